#pragma once
// Linear classifiers over hashed features, and the bundle of them that makes
// up one shipped model file (models/*.bin).
//
// File format (little-endian): "SMKMIMD1", u32 feature set, u32 task count;
// per task: u8 name length + name, u32 class count, per class u8 length + name,
// f32 bias weight per class, u32 feature count, then per feature (ascending
// hash) u32 hash and f32 weight per class; finally the u64 FNV-1a checksum of
// everything before it. Writing the same model twice gives the same bytes.
//
// Thread-safety: a loaded model is immutable; predict() may run concurrently.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "mi/features.hpp"

namespace samskap::mi {

class LinearModel {
 public:
  LinearModel() = default;
  // `weights[f * classes + c]` for each entry of `hashes` (ascending, unique).
  LinearModel(std::vector<std::string> classes, std::vector<float> bias,
              std::vector<std::uint32_t> hashes, std::vector<float> weights);

  const std::vector<std::string>& classes() const noexcept { return classes_; }
  std::size_t features() const noexcept { return hashes_.size(); }

  // Class probabilities (one-vs-rest logistic, normalised to sum 1), in the
  // order of classes(). Unknown hashes contribute nothing.
  std::vector<double> predict(const FeatureVector& x) const;

  void serialise(std::string& out) const;
  // Reads one model from `in` at `pos`, advancing it.
  static Result<LinearModel> deserialise(std::string_view in, std::size_t& pos);

 private:
  std::vector<std::string> classes_;
  std::vector<float> bias_;
  std::vector<std::uint32_t> hashes_;
  std::vector<float> weights_;
  // Open-addressing index: slot -> feature number + 1 (0 = empty).
  std::vector<std::uint32_t> slots_;
  void build_index();
};

struct ModelBundle {
  FeatureSet set = FeatureSet::full;
  std::map<std::string, LinearModel> tasks;  // "main", "talk", "question", "reflection", "input"

  std::string serialise() const;
  // Errors: mi.error.bad_model (wrong magic, truncated, checksum mismatch).
  static Result<ModelBundle> deserialise(std::string_view bytes);
};

std::uint64_t fnv1a64(std::string_view bytes) noexcept;

}  // namespace samskap::mi
