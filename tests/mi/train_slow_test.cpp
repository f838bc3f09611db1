// Slow (label `slow`, release build only): retrains on the full AnnoMI data
// with the shipped options and compares with models/*.bin byte for byte.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "mi/engine.hpp"
#include "mi/train.hpp"

namespace samskap::mi {
namespace {

std::filesystem::path annomi_dir() {
  if (const char* e = std::getenv("SAMSKAP_ANNOMI_DIR"); e && *e) return e;
  return std::filesystem::path("..") / "shared" / "data" /
         "annomi";  // tests run from the repo root
}

// Slow: the full data, the shipped options, compared with models/*.bin.
TEST(MiTrainSlow, ReproducesTheShippedModelsBitForBit) {
  auto simple = read_file(annomi_dir() / "train-simple.csv", 64u << 20);
  auto full = read_file(annomi_dir() / "train-full.csv", 64u << 20);
  if (!simple || !full) GTEST_SKIP() << "AnnoMI data not found at " << annomi_dir();
  auto data = load_annomi(*simple, *full);
  auto loaded = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(loaded.ok());
  const Engine& engine = *loaded;
  ASSERT_TRUE(data.ok()) << data.error().detail;
  EXPECT_EQ(data->size(), 7853u);
  for (auto [set, file] :
       {std::pair{FeatureSet::full, kFullModelFile}, std::pair{FeatureSet::cue, kCueModelFile}}) {
    auto shipped = read_file(std::filesystem::path("models") / file, 64u << 20);
    ASSERT_TRUE(shipped.ok()) << file;
    auto trained = train_bundle(*data, set, engine.en, TrainOptions{}).serialise();
    EXPECT_TRUE(trained == *shipped) << file << " differs from a fresh training run";
  }
}

// The Norwegian model from data/mi-nb (the translated AnnoMI and the team's
// own conversations), as `samskap mi train` writes it.
TEST(MiTrainSlow, ReproducesTheShippedNorwegianModelBitForBit) {
  if (!std::filesystem::exists(annomi_dir() / "train-simple.csv"))
    GTEST_SKIP() << "AnnoMI data not found at " << annomi_dir();
  auto corpus = load_norwegian_corpus(annomi_dir(), std::filesystem::path("data") / "mi-nb");
  ASSERT_TRUE(corpus.ok()) << corpus.error().detail;
  EXPECT_EQ(corpus->translated.size(), 7853u);
  EXPECT_GE(corpus->conversations.size(), 2000u);
  auto loaded = Engine::load(std::filesystem::path("/nonexistent"));
  ASSERT_TRUE(loaded.ok());
  std::vector<Example> all = corpus->translated;
  all.insert(all.end(), corpus->conversations.begin(), corpus->conversations.end());
  auto shipped = read_file(std::filesystem::path("models") / kNbFullModelFile, 64u << 20);
  ASSERT_TRUE(shipped.ok());
  auto trained = train_bundle(all, FeatureSet::full, loaded->nb, TrainOptions{}).serialise();
  EXPECT_TRUE(trained == *shipped) << kNbFullModelFile << " differs from a fresh training run";
}

}  // namespace
}  // namespace samskap::mi
