#pragma once
// What every HTML form handler needs: reading fields and collecting
// field-level errors that the templates show next to each field and in a
// summary at the top (the "error-summary" pattern, with links to the fields).

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "web/http.hpp"
#include "web/renderer.hpp"

namespace samskap::web {

class App;

// Collects field errors. Template data: errors.<field> (the message),
// error_list [{field, message}] and has_errors.
struct FormErrors {
  Data by_field{Data::type::object};
  Data list{Data::type::list};
  bool any = false;

  // The catalogue text of `key` for `field`; the first error per field wins.
  void add(const App& app, const Request& req, const std::string& field, std::string_view key);
  // As add(), with text that is already in the user's language.
  void add_text(const std::string& field, std::string message);
  void into(Data& d) const;
};

// A form field, trimmed of surrounding whitespace and cut at `max` bytes
// (the store checks lengths properly; this only bounds what is echoed back).
// Empty when absent.
std::string form_field(const Request& req, std::string_view name, std::size_t max = 100000);

// A form field exactly as sent (passwords). Empty when absent.
std::string raw_form_field(const Request& req, std::string_view name);

// True when a checkbox named `name` was sent with any value.
bool form_checked(const Request& req, std::string_view name);

// Parses a decimal number as typed in Norwegian or English ("12,5", "12.5",
// "-3", "1 200"). nullopt for empty text; an error message key
// ("form.error.number") for anything that is not a finite number.
Result<std::optional<double>> parse_decimal(std::string_view text);

// A number for display: up to two decimals, trailing zeros dropped, a
// decimal comma in bokmål ("12,5") and a point in English.
std::string format_decimal(double v, Language lang);

// A non-negative integer from a form or query (versions, scores); nullopt
// for anything else, including overflow.
std::optional<int> parse_int(std::string_view text);

// Sets `key` to `value`, or to false when `value` is empty. Mustache sections
// treat an empty string as true, and a missing key is looked up in the
// enclosing data (a list item without "note" would show its parent's note):
// false renders as nothing and makes {{#key}}…{{/key}} skip.
void set_text(Data& d, const std::string& key, std::string value);

// A mustache boolean.
Data bool_data(bool b);

// The value of a route placeholder (":id"), empty when the route has none.
std::string route_param(const Request& req, std::string_view name);

// Replaces every "{{name}}" in a catalogue text with `value` (the
// catalogue's own placeholders, filled before the text reaches a template).
std::string fill_placeholder(std::string text, std::string_view name, const std::string& value);

}  // namespace samskap::web
