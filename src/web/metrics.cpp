#include "web/metrics.hpp"

#include <fmt/format.h>

namespace samskap::web {

namespace {
std::string label_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

void Metrics::observe(const std::string& method, const std::string& route, int status,
                      std::chrono::nanoseconds duration) {
  double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mu_);
  auto& s = series_[{method, route}];
  ++s.by_status[status];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++s.buckets[i];
}

void Metrics::add_gauges(Gauge g) {
  std::lock_guard lock(mu_);
  gauges_.push_back(std::move(g));
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  out += "# HELP samskap_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE samskap_http_requests_total counter\n";
  for (const auto& [key, s] : series_)
    for (const auto& [status, n] : s.by_status)
      out += fmt::format(
          "samskap_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
          label_escape(key.first), label_escape(key.second), status, n);
  out += "# HELP samskap_http_request_duration_seconds Time from request to response, by route.\n";
  out += "# TYPE samskap_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : series_) {
    auto labels = fmt::format("method=\"{}\",route=\"{}\"", label_escape(key.first),
                              label_escape(key.second));
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += fmt::format("samskap_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n",
                         labels, kBuckets[i], s.buckets[i]);
    out += fmt::format("samskap_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n",
                       labels, s.count);
    out += fmt::format("samskap_http_request_duration_seconds_sum{{{}}} {}\n", labels, s.sum);
    out += fmt::format("samskap_http_request_duration_seconds_count{{{}}} {}\n", labels, s.count);
  }
  for (const auto& g : gauges_)
    g(out);
  return out;
}

}  // namespace samskap::web
