#include "content/common_passwords.hpp"

#include <string_view>

#include "core/credentials.hpp"
#include "core/embedded_file.hpp"

namespace samskap::content {

namespace embedded {
std::span<const EmbeddedFile> files();
}

namespace {

constexpr std::string_view kPath = "security/common-passwords.txt";

std::set<std::string, std::less<>> load() {
  std::set<std::string, std::less<>> out;
  const EmbeddedFile* f = find_embedded(embedded::files(), kPath);
  if (!f) return out;
  std::string_view rest = f->data;
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
      line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    out.insert(fold_case(line));
  }
  return out;
}

}  // namespace

const std::set<std::string, std::less<>>& common_passwords() {
  static const std::set<std::string, std::less<>> list = load();  // thread-safe initialisation
  return list;
}

}  // namespace samskap::content
