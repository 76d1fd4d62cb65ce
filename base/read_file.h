// A whole file read into memory: configuration, topic packs, feed lists.
#pragma once

#include <optional>
#include <string>

namespace newswatch {

// The bytes of the file at `path`, unchanged; nullopt when it cannot be opened (each caller
// says in its own words which file it could not open).
std::optional<std::string> read_file(const std::string& path);

}  // namespace newswatch
