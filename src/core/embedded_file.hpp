#pragma once
// A file compiled into the binary (see cmake/SamskapEmbed.cmake). The data
// lives for the whole program; views into it never dangle.

#include <span>
#include <string_view>

namespace samskap {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded folder, '/'-separated
  std::string_view data;  // raw bytes
};

// Returns the file with the given path, or nullptr.
inline const EmbeddedFile* find_embedded(std::span<const EmbeddedFile> files,
                                         std::string_view path) noexcept {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

}  // namespace samskap
