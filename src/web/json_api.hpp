#pragma once
// What the JSON APIs share: answers and a guard against deeply nested input.

#include <nlohmann/json.hpp>
#include <string_view>

#include "web/http.hpp"

namespace samskap::web {

// `j` as an application/json answer with `status`, never cached; invalid
// UTF-8 in strings is replaced, never thrown on.
Response json_response(int status, const nlohmann::json& j);

// The nesting depth of a JSON text (brackets outside strings). Counting stops
// once past `limit`: the result is greater than `limit` exactly when the text
// nests deeper, so nothing deeper ever reaches the parser.
int json_depth(std::string_view s, int limit);

}  // namespace samskap::web
