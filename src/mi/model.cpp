#include "mi/model.hpp"

#include <algorithm>
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

namespace {
template <typename T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}
}  // namespace

LinearModel::LinearModel(std::vector<std::string> classes, std::vector<float> bias,
                         std::vector<std::uint32_t> hashes, std::vector<float> weights)
    : classes_(std::move(classes)), bias_(std::move(bias)), n_(hashes.size()) {
  const std::size_t k = classes_.size();
  auto table = std::make_shared<std::string>();
  table->reserve(n_ * stride());
  for (std::size_t f = 0; f < n_; ++f) {
    put(*table, hashes[f]);
    for (std::size_t c = 0; c < k; ++c)
      put(*table, weights[f * k + c]);
  }
  table_ = table->data();
  owned_ = std::move(table);
  build_index();
}

std::uint32_t LinearModel::hash_at(std::size_t f) const noexcept {
  std::uint32_t h;
  std::memcpy(&h, table_ + f * stride(), 4);
  return h;
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
  while (cap < 2 * n_)
    cap <<= 1;
  slots_.assign(cap, 0);
  const std::size_t mask = cap - 1;
  for (std::size_t f = 0; f < n_; ++f) {
    std::size_t s = mix(hash_at(f)) & mask;
    while (slots_[s] != 0)
      s = (s + 1) & mask;
    slots_[s] = static_cast<std::uint32_t>(f + 1);
  }
}

float LinearModel::weight(std::size_t f, std::size_t c) const noexcept {
  float w;
  std::memcpy(&w, table_ + f * stride() + 4 + 4 * c, 4);
  return w;
}

FusedModel::FusedModel(const std::map<std::string, LinearModel>& tasks) {
  std::vector<std::uint32_t> all;
  for (const auto& [name, m] : tasks) {
    tasks_.push_back({name, &m, k_});
    k_ += m.classes().size();
    for (float b : m.bias())
      bias_.push_back(b);
    for (std::size_t f = 0; f < m.features(); ++f)
      all.push_back(m.hash_of(f));
  }
  std::sort(all.begin(), all.end());
  const auto distinct = static_cast<std::size_t>(std::unique(all.begin(), all.end()) - all.begin());
  stride_ = 1 + k_;
  // Load factor at most 0.75, so that a miss ends after a few slots; the
  // table stays small enough to live in a server's last-level cache.
  std::size_t cap = 16;
  while (cap * 3 < distinct * 4)
    cap <<= 1;
  table_.assign(cap * stride_, 0.0f);  // all-zero bits: hash 0, every slot empty
  mask_ = cap - 1;
  for (const auto& t : tasks_) {
    const std::size_t k = t.model->classes().size();
    for (std::size_t f = 0; f < t.model->features(); ++f) {
      const std::uint32_t h = t.model->hash_of(f);
      float* w = nullptr;
      if (h == 0) {
        zero_hash_.resize(k_, 0.0f);
        w = zero_hash_.data();
      } else {
        std::size_t s = mix(h) & mask_;
        while (hash_in_slot(s) != 0 && hash_in_slot(s) != h)
          s = (s + 1) & mask_;
        std::memcpy(&table_[s * stride_], &h, 4);
        w = &table_[s * stride_ + 1];
      }
      for (std::size_t c = 0; c < k; ++c)
        w[t.offset + c] = t.model->weight(f, c);
    }
  }
}

namespace {

// Adds w[c] * v to acc[c] for every class: one pass over a record, the
// classes side by side (each class still sums its features in x's order).
template <std::size_t K>
inline void add_record(double* acc, const float* w, float v, std::size_t k) {
  if constexpr (K > 0) {
    for (std::size_t c = 0; c < K; ++c)
      acc[c] += static_cast<double>(w[c]) * v;
  } else {
    for (std::size_t c = 0; c < k; ++c)
      acc[c] += static_cast<double>(w[c]) * v;
  }
}

}  // namespace

template <std::size_t K>
void FusedModel::decide_k(const FeatureVector& x, double* acc) const {
  // The table is larger than the caches: fetch the slots a few features
  // ahead, so that their memory reads overlap instead of waiting one by one.
  constexpr std::size_t kAhead = 12;
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n && i < kAhead; ++i)
    __builtin_prefetch(&table_[(mix(x[i].first) & mask_) * stride_]);
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) __builtin_prefetch(&table_[(mix(x[i + kAhead].first) & mask_) * stride_]);
    const auto [h, v] = x[i];
    if (h == 0) {
      if (!zero_hash_.empty()) add_record<K>(acc, zero_hash_.data(), v, k_);
      continue;
    }
    for (std::size_t s = mix(h) & mask_;; s = (s + 1) & mask_) {
      const std::uint32_t at = hash_in_slot(s);
      if (at == h) {
        add_record<K>(acc, &table_[s * stride_ + 1], v, k_);
        break;
      }
      if (at == 0) break;
    }
  }
}

void FusedModel::decide(const FeatureVector& x, std::vector<double>& dec) const {
  dec.assign(bias_.begin(), bias_.end());
  // The five AnnoMI tasks have 15 classes together: a fixed count lets the
  // compiler unroll and vectorise the record.
  if (k_ == 15)
    decide_k<15>(x, dec.data());
  else
    decide_k<0>(x, dec.data());
}

const FusedModel::Task* FusedModel::task(std::string_view name) const noexcept {
  for (const auto& t : tasks_)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<double> LinearModel::predict(const FeatureVector& x) const {
  const std::size_t k = classes_.size();
  std::vector<double> dec = decision(x);
  double sum = 0;
  for (auto& d : dec) {
    d = 1.0 / (1.0 + std::exp(-d));
    sum += d;
  }
  for (auto& d : dec)
    d = sum > 0 ? d / sum : 1.0 / static_cast<double>(k);
  return dec;
}

std::vector<double> LinearModel::decision(const FeatureVector& x) const {
  const std::size_t k = classes_.size();
  std::vector<double> dec(bias_.begin(), bias_.end());
  const std::size_t mask = slots_.size() - 1;
  for (const auto& [h, v] : x) {
    std::size_t s = mix(h) & mask;
    while (true) {
      std::uint32_t f = slots_[s];
      if (f == 0) break;
      const char* rec = table_ + (f - 1) * stride();
      std::uint32_t rh;
      std::memcpy(&rh, rec, 4);
      if (rh == h) {
        for (std::size_t c = 0; c < k; ++c) {
          float w;
          std::memcpy(&w, rec + 4 + 4 * c, 4);
          dec[c] += static_cast<double>(w) * v;
        }
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return dec;
}

namespace {
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
  put<std::uint32_t>(out, static_cast<std::uint32_t>(n_));
  out.append(table_, n_ * stride());
}

Result<LinearModel> LinearModel::deserialise(std::string_view in, std::size_t& pos,
                                             std::shared_ptr<const std::string> owner) {
  std::uint32_t k = 0;
  if (!get(in, pos, k) || k < 2 || k > 64) return truncated();
  LinearModel m;
  m.classes_.resize(k);
  for (auto& c : m.classes_)
    if (!get_str(in, pos, c)) return truncated();
  m.bias_.resize(k);
  for (auto& b : m.bias_)
    if (!get(in, pos, b)) return truncated();
  std::uint32_t n = 0;
  if (!get(in, pos, n) || (in.size() - pos) / (4 * (k + 1)) < n) return truncated();
  m.n_ = n;
  m.table_ = in.data() + pos;
  m.owned_ = std::move(owner);
  pos += m.n_ * m.stride();
  for (std::size_t f = 1; f < m.n_; ++f)
    if (m.hash_at(f) <= m.hash_at(f - 1)) return truncated();
  m.build_index();
  return m;
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

namespace {

Result<ModelBundle> parse_bundle(std::string_view bytes,
                                 const std::shared_ptr<const std::string>& owner) {
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
    auto m = LinearModel::deserialise(body, pos, owner);
    if (!m) return std::move(m).error();
    b.tasks.emplace(std::move(name), std::move(m).value());
  }
  if (pos != body.size()) return truncated();
  b.fused = std::make_shared<const FusedModel>(b.tasks);
  return b;
}

}  // namespace

Result<ModelBundle> ModelBundle::deserialise(std::shared_ptr<const std::string> bytes) {
  if (!bytes) return Error::invalid("mi.error.bad_model", "no model bytes");
  return parse_bundle(*bytes, bytes);
}

Result<ModelBundle> ModelBundle::deserialise(std::string_view bytes) {
  return deserialise(std::make_shared<const std::string>(bytes));
}

Result<ModelBundle> ModelBundle::deserialise_static(std::string_view bytes) {
  return parse_bundle(bytes, nullptr);
}

}  // namespace samskap::mi
