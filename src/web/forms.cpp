#include "web/forms.hpp"

#include <cmath>
#include <cstdlib>

#include "web/app.hpp"

namespace samskap::web {

void FormErrors::add(const App& app, const Request& req, const std::string& field,
                     std::string_view key) {
  add_text(field, std::string(app.renderer().text(req.lang, key)));
}

void FormErrors::add_text(const std::string& field, std::string message) {
  if (by_field.get(field)) return;  // first error per field wins
  by_field.set(field, message);
  Data item{Data::type::object};
  item.set("field", field);
  item.set("message", std::move(message));
  list.push_back(item);
  any = true;
}

void FormErrors::into(Data& d) const {
  d.set("errors", by_field);
  d.set("error_list", list);
  d.set("has_errors", any ? Data::type::bool_true : Data::type::bool_false);
}

std::string form_field(const Request& req, std::string_view name, std::size_t max) {
  auto it = req.form.find(name);
  if (it == req.form.end()) return {};
  const std::string& v = it->second;
  auto b = v.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = v.find_last_not_of(" \t\r\n");
  std::string out = v.substr(b, e - b + 1);
  if (out.size() > max) out.resize(max);
  return out;
}

std::string raw_form_field(const Request& req, std::string_view name) {
  auto it = req.form.find(name);
  return it == req.form.end() ? std::string{} : it->second;
}

bool form_checked(const Request& req, std::string_view name) {
  return req.form.find(name) != req.form.end();
}

Result<std::optional<double>> parse_decimal(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c == ' ' || c == '\t') continue;
    clean += c == ',' ? '.' : c;
  }
  // A non-breaking space (U+00A0, also used as a thousands separator).
  for (std::size_t p; (p = clean.find("\xC2\xA0")) != std::string::npos;)
    clean.erase(p, 2);
  if (clean.empty()) return std::optional<double>{};
  if (clean.size() > 40) return Error::invalid("form.error.number", "too long");
  for (char c : clean)
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+'))
      return Error::invalid("form.error.number", "not a number");
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || !std::isfinite(v) || std::fabs(v) >= 1e15)
    return Error::invalid("form.error.number", "not a number");
  return std::optional<double>{v};
}

std::string format_decimal(double v, Language lang) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0')
    s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  if (lang == Language::nb)
    for (auto& c : s)
      if (c == '.') c = ',';
  return s;
}

std::optional<int> parse_int(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

void set_text(Data& d, const std::string& key, std::string value) {
  if (value.empty())
    d.set(key, Data::type::bool_false);
  else
    d.set(key, std::move(value));
}

Data bool_data(bool b) {
  return b ? Data::type::bool_true : Data::type::bool_false;
}

std::string route_param(const Request& req, std::string_view name) {
  auto it = req.route.find(name);
  return it == req.route.end() ? std::string{} : it->second;
}

std::string fill_placeholder(std::string text, std::string_view name, const std::string& value) {
  const std::string token = "{{" + std::string(name) + "}}";
  for (auto p = text.find(token); p != std::string::npos; p = text.find(token, p + value.size()))
    text.replace(p, token.size(), value);
  return text;
}

}  // namespace samskap::web
