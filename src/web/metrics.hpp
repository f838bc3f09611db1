#pragma once
// Request metrics in the Prometheus text format (version 0.0.4).
// Thread-safe; observe() is cheap (one mutex, no allocation after warm-up).

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace samskap::web {

class Metrics {
 public:
  // Latency bucket upper bounds, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

  // Records one finished request. `route` is the route's pattern (never the raw
  // path, which would explode the number of series).
  void observe(const std::string& method, const std::string& route, int status,
               std::chrono::nanoseconds duration);

  // Extra gauges appended by render(): name, help, value.
  using Gauge = std::function<void(std::string& out)>;
  void add_gauges(Gauge g);

  // The whole exposition.
  std::string render() const;

 private:
  struct Series {
    std::map<int, std::uint64_t> by_status;
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Series> series_;
  std::vector<Gauge> gauges_;
};

}  // namespace samskap::web
