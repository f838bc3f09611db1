#include "mi/model.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace samskap::mi {

static_assert(std::endian::native == std::endian::little, "model files are little-endian");

std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : bytes)
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

LinearModel::LinearModel(std::vector<std::string> classes, std::vector<float> bias,
                         std::vector<std::uint32_t> hashes, std::vector<float> weights)
    : classes_(std::move(classes)),
      bias_(std::move(bias)),
      hashes_(std::move(hashes)),
      weights_(std::move(weights)) {
  build_index();
}

namespace {
std::uint32_t mix(std::uint32_t h) noexcept {
  h ^= h >> 16;
  h *= 0x7feb352dU;
  h ^= h >> 15;
  return h;
}
}  // namespace

void LinearModel::build_index() {
  std::size_t cap = 16;
  while (cap < 2 * hashes_.size())
    cap <<= 1;
  slots_.assign(cap, 0);
  const std::size_t mask = cap - 1;
  for (std::size_t f = 0; f < hashes_.size(); ++f) {
    std::size_t s = mix(hashes_[f]) & mask;
    while (slots_[s] != 0)
      s = (s + 1) & mask;
    slots_[s] = static_cast<std::uint32_t>(f + 1);
  }
}

std::vector<double> LinearModel::predict(const FeatureVector& x) const {
  const std::size_t k = classes_.size();
  std::vector<double> dec(bias_.begin(), bias_.end());
  const std::size_t mask = slots_.size() - 1;
  for (const auto& [h, v] : x) {
    std::size_t s = mix(h) & mask;
    while (true) {
      std::uint32_t f = slots_[s];
      if (f == 0) break;
      if (hashes_[f - 1] == h) {
        const float* w = &weights_[(f - 1) * k];
        for (std::size_t c = 0; c < k; ++c)
          dec[c] += static_cast<double>(w[c]) * v;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  double sum = 0;
  for (auto& d : dec) {
    d = 1.0 / (1.0 + std::exp(-d));
    sum += d;
  }
  for (auto& d : dec)
    d = sum > 0 ? d / sum : 1.0 / static_cast<double>(k);
  return dec;
}

namespace {
template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}
void put_str(std::string& out, std::string_view s) {
  put<std::uint8_t>(out, static_cast<std::uint8_t>(s.size()));
  out.append(s.substr(0, 255));
}
template <typename T>
bool get(std::string_view in, std::size_t& pos, T& v) {
  if (in.size() - pos < sizeof(T)) return false;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return true;
}
bool get_str(std::string_view in, std::size_t& pos, std::string& s) {
  std::uint8_t n = 0;
  if (!get(in, pos, n) || in.size() - pos < n) return false;
  s.assign(in.substr(pos, n));
  pos += n;
  return true;
}
Error truncated() {
  return Error::invalid("mi.error.bad_model", "model file truncated or corrupt");
}
}  // namespace

void LinearModel::serialise(std::string& out) const {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(classes_.size()));
  for (const auto& c : classes_)
    put_str(out, c);
  for (float b : bias_)
    put(out, b);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(hashes_.size()));
  const std::size_t k = classes_.size();
  for (std::size_t f = 0; f < hashes_.size(); ++f) {
    put(out, hashes_[f]);
    for (std::size_t c = 0; c < k; ++c)
      put(out, weights_[f * k + c]);
  }
}

Result<LinearModel> LinearModel::deserialise(std::string_view in, std::size_t& pos) {
  std::uint32_t k = 0;
  if (!get(in, pos, k) || k < 2 || k > 64) return truncated();
  std::vector<std::string> classes(k);
  for (auto& c : classes)
    if (!get_str(in, pos, c)) return truncated();
  std::vector<float> bias(k);
  for (auto& b : bias)
    if (!get(in, pos, b)) return truncated();
  std::uint32_t n = 0;
  if (!get(in, pos, n) || (in.size() - pos) / (4 * (k + 1)) < n) return truncated();
  std::vector<std::uint32_t> hashes(n);
  std::vector<float> weights(static_cast<std::size_t>(n) * k);
  for (std::uint32_t f = 0; f < n; ++f) {
    get(in, pos, hashes[f]);
    if (f > 0 && hashes[f] <= hashes[f - 1]) return truncated();
    for (std::uint32_t c = 0; c < k; ++c)
      get(in, pos, weights[std::size_t{f} * k + c]);
  }
  return LinearModel(std::move(classes), std::move(bias), std::move(hashes), std::move(weights));
}

namespace {
constexpr std::string_view kMagic = "SMKMIMD1";
}

std::string ModelBundle::serialise() const {
  std::string out(kMagic);
  put<std::uint32_t>(out, static_cast<std::uint32_t>(set));
  put<std::uint32_t>(out, static_cast<std::uint32_t>(tasks.size()));
  for (const auto& [name, m] : tasks) {
    put_str(out, name);
    m.serialise(out);
  }
  put<std::uint64_t>(out, fnv1a64(out));
  return out;
}

Result<ModelBundle> ModelBundle::deserialise(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 16 || bytes.substr(0, kMagic.size()) != kMagic)
    return Error::invalid("mi.error.bad_model", "not a Samskap MI model file");
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (fnv1a64(body) != stored)
    return Error::invalid("mi.error.bad_model", "model file checksum mismatch");
  std::size_t pos = kMagic.size();
  ModelBundle b;
  std::uint32_t set = 0, n = 0;
  get(body, pos, set);
  get(body, pos, n);
  if (set != 1 && set != 2) return truncated();
  b.set = static_cast<FeatureSet>(set);
  for (std::uint32_t t = 0; t < n; ++t) {
    std::string name;
    if (!get_str(body, pos, name)) return truncated();
    auto m = LinearModel::deserialise(body, pos);
    if (!m) return std::move(m).error();
    b.tasks.emplace(std::move(name), std::move(m).value());
  }
  if (pos != body.size()) return truncated();
  return b;
}

}  // namespace samskap::mi
