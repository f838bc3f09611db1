#include "web/assets.hpp"

#include <sodium.h>
#include <stdexcept>

namespace samskap::web {

namespace own_assets {
std::span<const EmbeddedFile> files();
}
namespace vendor_assets {
std::span<const EmbeddedFile> files();
}

namespace {
std::string short_hash(std::string_view data) {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 5; ++i) {
    s += hex[out[i] >> 4];
    s += hex[out[i] & 15];
  }
  return s;
}
}  // namespace

std::string content_type_for(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.ends_with(ext); };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".json")) return "application/json";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

AssetTable::AssetTable(std::initializer_list<std::span<const EmbeddedFile>> sets) {
  for (const auto& set : sets) {
    for (const auto& f : set) {
      std::string path(f.path);
      std::string base = path.substr(path.rfind('/') + 1);
      auto dot = base.find('.');
      std::string hash = short_hash(f.data);
      std::string hashed = dot == std::string::npos
                               ? base + "." + hash
                               : base.substr(0, dot) + "." + hash + base.substr(dot);
      Asset a{"/assets/" + hashed, content_type_for(base), f.data, "\"" + hash + "\""};
      if (!by_logical_.emplace(base, std::move(a)).second)
        throw std::logic_error("two assets are named " + base);
      file_to_logical_.emplace(hashed, base);
    }
  }
}

const AssetTable& AssetTable::embedded() {
  static const AssetTable table{own_assets::files(), vendor_assets::files()};
  return table;
}

const std::string& AssetTable::url(std::string_view logical_name) const {
  auto it = by_logical_.find(logical_name);
  if (it == by_logical_.end())
    throw std::out_of_range("no asset named " + std::string(logical_name));
  return it->second.url;
}

const Asset* AssetTable::find_by_file(std::string_view hashed_name) const {
  auto it = file_to_logical_.find(hashed_name);
  if (it == file_to_logical_.end()) return nullptr;
  return &by_logical_.find(it->second)->second;
}

}  // namespace samskap::web
