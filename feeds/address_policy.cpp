// Addresses as numbers: an IPv4 address is tested against a table of ranges, an IPv6 one by
// its prefix, or as the IPv4 address it carries.
#include "feeds/address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace newswatch {
namespace {

std::uint32_t ipv4_at(const unsigned char* bytes) {
  return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
         std::uint32_t{bytes[2]} << 8 | bytes[3];
}

bool is_internal_ipv4(std::uint32_t address) {
  struct Range {
    std::uint32_t network;
    int bits;
  };
  static constexpr Range kInternal[] = {
      {0x00000000, 8},   // "this network": 0.0.0.0 reaches this host
      {0x0a000000, 8},   // private
      {0x64400000, 10},  // carrier-grade NAT; 100.100.100.200 is a cloud metadata service
      {0x7f000000, 8},   // loopback
      {0xa9fe0000, 16},  // link-local; 169.254.169.254 is the usual cloud metadata service
      {0xac100000, 12},  // private
      {0xc0000000, 24},  // IETF protocol assignments
      {0xc0000200, 24},  // documentation
      {0xc0a80000, 16},  // private
      {0xc6120000, 15},  // benchmarking
      {0xc6336400, 24},  // documentation
      {0xcb007100, 24},  // documentation
      {0xe0000000, 3},   // multicast, reserved, broadcast
  };
  return std::any_of(std::begin(kInternal), std::end(kInternal), [&](const Range& range) {
    return address >> (32 - range.bits) == range.network >> (32 - range.bits);
  });
}

bool is_internal_ipv6(const unsigned char* b) {
  auto zero = [&](int from, int to) {
    return std::all_of(b + from, b + to, [](auto x) { return x == 0; });
  };
  if (zero(0, 10) && b[10] == 0xff && b[11] == 0xff) return is_internal_ipv4(ipv4_at(b + 12));
  if (zero(0, 12)) return true;  // ::, ::1 and the IPv4-compatible ::a.b.c.d, long deprecated
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zero(4, 12))
    return is_internal_ipv4(ipv4_at(b + 12));  // NAT64, 64:ff9b::a.b.c.d
  if (b[0] == 0x20 && b[1] == 0x02) return is_internal_ipv4(ipv4_at(b + 2));      // 6to4
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;  // documentation
  // Outside 2000::/3, global unicast: unique local fc00::/7, link-local fe80::/10, multicast
  // ff00::/8 and what is reserved.
  return (b[0] & 0xe0) != 0x20;
}

}  // namespace

bool is_internal_address(std::string_view address) {
  std::string text(address);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return is_internal_ipv4(ipv4_at(bytes));
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return is_internal_ipv6(bytes);
  return true;  // not an address: nothing to vouch for it
}

std::string policy_form(const char* address) {
  in6_addr v6{};
  if (inet_pton(AF_INET6, address, &v6) != 1 || !IN6_IS_ADDR_V4MAPPED(&v6)) return address;
  char text[INET_ADDRSTRLEN] = "";
  inet_ntop(AF_INET, v6.s6_addr + 12, text, sizeof text);
  return text;
}

}  // namespace newswatch
