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
// A model keeps its weights in exactly that per-feature record layout, so a
// model compiled into the binary is used in place (no copy at load; only the
// hash index is built), and serialising writes the records back unchanged.
//
// Thread-safety: a loaded model is immutable; predict() may run concurrently.

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
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
  std::size_t features() const noexcept { return n_; }

  // Class probabilities (one-vs-rest logistic, normalised to sum 1), in the
  // order of classes(). Unknown hashes contribute nothing.
  std::vector<double> predict(const FeatureVector& x) const;
  // The raw decision values (bias + w·x) per class; predict() is their
  // logistic, normalised.
  std::vector<double> decision(const FeatureVector& x) const;

  // Feature f's hash and its weight for class c (f < features()).
  std::uint32_t hash_of(std::size_t f) const noexcept { return hash_at(f); }
  float weight(std::size_t f, std::size_t c) const noexcept;
  const std::vector<float>& bias() const noexcept { return bias_; }

  void serialise(std::string& out) const;
  // Reads one model from `in` at `pos`, advancing it. The model refers to the
  // bytes of `in`: `owner` keeps them alive (nullptr when they live for the
  // whole program, as embedded data does).
  static Result<LinearModel> deserialise(std::string_view in, std::size_t& pos,
                                         std::shared_ptr<const std::string> owner);

 private:
  std::vector<std::string> classes_;
  std::vector<float> bias_;
  // n_ records of (u32 hash, f32 weight per class), ascending hash.
  const char* table_ = nullptr;
  std::size_t n_ = 0;
  std::shared_ptr<const std::string> owned_;
  // Open-addressing index: slot -> feature number + 1 (0 = empty).
  std::vector<std::uint32_t> slots_;
  std::size_t stride() const noexcept { return 4 * (classes_.size() + 1); }
  std::uint32_t hash_at(std::size_t f) const noexcept;
  void build_index();
};

// Every task of a bundle in one table, for coding: one lookup per feature
// gives the weights of every class of every task, where the tasks' own
// tables cost a lookup (two cache misses) per feature and task. Records are
// (hash, weights…) inline in an open-addressing table, 64 bytes for the
// five tasks' 15 classes. Decision values equal LinearModel::decision's
// exactly (the same additions in the same order; unknown weights add 0).
// Immutable after construction; thread-safe.
class FusedModel {
 public:
  struct Task {
    std::string name;
    const LinearModel* model = nullptr;
    std::size_t offset = 0;  // of its classes in decide()'s output
  };
  explicit FusedModel(const std::map<std::string, LinearModel>& tasks);
  // Decision values of every class of every task: dec[task.offset + c].
  void decide(const FeatureVector& x, std::vector<double>& dec) const;
  // nullptr when the bundle has no such task.
  const Task* task(std::string_view name) const noexcept;

 private:
  std::vector<Task> tasks_;
  std::vector<double> bias_;
  std::size_t k_ = 0, stride_ = 0;  // classes in all; u32 per record (1 + k_)
  // Records of stride_ floats: the hash's bits (memcpy, never read as a
  // number), then the weights; hash 0 marks an empty slot.
  std::vector<float> table_;
  std::vector<float> zero_hash_;  // the weights of hash 0, if a model has it
  std::size_t mask_ = 0;
  template <std::size_t K>
  void decide_k(const FeatureVector& x, double* acc) const;
  std::uint32_t hash_in_slot(std::size_t s) const noexcept {
    std::uint32_t h;
    std::memcpy(&h, &table_[s * stride_], 4);
    return h;
  }
};

struct ModelBundle {
  FeatureSet set = FeatureSet::full;
  std::map<std::string, LinearModel> tasks;  // "main", "talk", "question", "reflection", "input"
  // Built by deserialise (the models the engine codes with); empty for a
  // bundle straight from training.
  std::shared_ptr<const FusedModel> fused;

  std::string serialise() const;
  // Errors: mi.error.bad_model (wrong magic, truncated, checksum mismatch).
  // deserialise() copies the bytes; deserialise_static() uses them in place
  // and needs them to live as long as the program (embedded data).
  static Result<ModelBundle> deserialise(std::string_view bytes);
  static Result<ModelBundle> deserialise(std::shared_ptr<const std::string> bytes);
  static Result<ModelBundle> deserialise_static(std::string_view bytes);
};

std::uint64_t fnv1a64(std::string_view bytes) noexcept;

}  // namespace samskap::mi
