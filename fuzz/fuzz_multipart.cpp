// libFuzzer target: the multipart/form-data parser (web/multipart.hpp). The
// first line of the input is the Content-Type header, the rest the body. Any
// input must give parts or an Error, never a crash or a sanitizer report.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "web/multipart.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string_view type = nl == std::string_view::npos ? input : input.substr(0, nl);
  const std::string_view body =
      nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
  samskap::web::MultipartLimits limits;
  limits.max_parts = 8;
  limits.max_header_bytes = 256;
  if (auto b = samskap::web::multipart_boundary(type)) {
    auto parts = samskap::web::parse_multipart(body, *b, limits);
    if (parts) {
      if (parts->size() > limits.max_parts) std::abort();
      for (const auto& p : *parts)
        if (p.name.empty() || p.name.size() > limits.max_name_bytes) std::abort();
    } else if (parts.error().message_key != "error.bad_request") {
      std::abort();
    }
  }
  (void)samskap::web::multipart_form_fields(type, body, limits);
  // The same body under a fixed boundary, so mutations of the body alone count.
  (void)samskap::web::parse_multipart(input, "b", limits);
  return 0;
}
