#pragma once
// Static assets (our CSS/JS and the bundled npm packages), embedded in the
// binary and served under content-hashed names ("/assets/app.3fa9c1d2e0.css")
// with a one-year immutable cache lifetime. Immutable after construction;
// safe to share between threads.

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "core/embedded_file.hpp"

namespace samskap::web {

struct Asset {
  std::string url;           // "/assets/app.3fa9c1d2e0.css"
  std::string content_type;  // "text/css; charset=utf-8"
  std::string_view data;
  std::string etag;  // "\"3fa9c1d2e0\""
};

class AssetTable {
 public:
  // Each file is published under its base name (folders dropped), so the
  // names must be unique across `sets`; a clash throws std::logic_error.
  explicit AssetTable(std::initializer_list<std::span<const EmbeddedFile>> sets);

  // The table of the assets compiled into the binary.
  static const AssetTable& embedded();

  // The hashed URL for a logical name ("app.css"); throws std::out_of_range
  // for an unknown name (a template bug, caught by the tests).
  const std::string& url(std::string_view logical_name) const;

  // The asset served at a hashed file name ("app.3fa9c1d2e0.css"), or nullptr.
  const Asset* find_by_file(std::string_view hashed_name) const;

  const std::map<std::string, Asset, std::less<>>& all() const { return by_logical_; }

 private:
  std::map<std::string, Asset, std::less<>> by_logical_;
  std::map<std::string, std::string, std::less<>> file_to_logical_;
};

// "text/css; charset=utf-8" etc., from the extension; application/octet-stream otherwise.
std::string content_type_for(std::string_view name);

}  // namespace samskap::web
