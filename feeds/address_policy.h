// Which network addresses a fetch may reach: the daemon polls the public Internet, and a
// feed's redirect must not lead it into the network it runs in (a cloud's metadata service, a
// router's admin page). feeds/fetch.h applies the policy to every address a transfer connects
// to; these functions say what is internal.
#pragma once

#include <string>
#include <string_view>

namespace newswatch {

// Whether `address` (numeric IPv4 or IPv6 text, as "10.1.2.3" or "fe80::1") is not a public
// Internet address: this host (0/8, 127/8, ::, ::1), private networks (10/8, 172.16/12,
// 192.168/16, fc00::/7), carrier-grade NAT (100.64/10, where some clouds keep their metadata
// service), link-local (169.254/16, fe80::/10), multicast, reserved and documentation ranges,
// and IPv6 forms that carry an IPv4 address (::ffff:a.b.c.d, 64:ff9b::a.b.c.d, 2002:AABB:CCDD::)
// when that address is one. Text that is not an address counts as internal.
bool is_internal_address(std::string_view address);

// `address` (numeric text) as the address policy sees it: an IPv4-mapped IPv6 address in its
// IPv4 form, so that a policy written for IPv4 also holds for the same host over IPv6.
std::string policy_form(const char* address);

}  // namespace newswatch
