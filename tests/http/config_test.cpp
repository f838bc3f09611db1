#include "cli/config.hpp"

#include <gtest/gtest.h>

namespace samskap::cli {
namespace {

EnvLookup env_of(std::map<std::string, std::string> m) {
  return [m](const std::string& k) -> std::optional<std::string> {
    auto it = m.find(k);
    return it == m.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(Config, DefaultsWhenNothingIsGiven) {
  auto c = resolve_config({}, env_of({}), "", "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->database, "sqlite:var/samskap.db");
  EXPECT_EQ(c->max_body_bytes, 1024u * 1024u);
  EXPECT_FALSE(c->secure_cookies);
}

TEST(Config, FlagsBeatEnvironmentBeatFile) {
  const std::string file = "listen = \"file:1\"\ndatabase = \"sqlite:file.db\"\nworkers = 3\n";
  auto env = env_of({{"SAMSKAP_LISTEN", "env:2"}, {"SAMSKAP_WORKERS", "5"}});
  auto c = resolve_config({{"listen", "flag:3"}}, env, file, "samskap.toml");
  ASSERT_TRUE(c.ok()) << c.error().detail;
  EXPECT_EQ(c->listen, "flag:3");
  EXPECT_EQ(c->workers, 5u);
  EXPECT_EQ(c->database, "sqlite:file.db");
}

TEST(Config, ValuesAreChecked) {
  struct Case {
    FlagValues flags;
    const char* where;
  };
  for (const auto& c : std::vector<Case>{{{{"workers", "0"}}, "--workers"},
                                         {{{"workers", "many"}}, "--workers"},
                                         {{{"io_threads", "999"}}, "--io-threads"},
                                         {{{"max_body_bytes", "1"}}, "--max-body-bytes"},
                                         {{{"max_body_bytes", "1TiB"}}, "--max-body-bytes"},
                                         {{{"secure_cookies", "perhaps"}}, "--secure-cookies"},
                                         {{{"listen", ""}}, "--listen"}}) {
    auto r = resolve_config(c.flags, env_of({}), "", "");
    ASSERT_FALSE(r.ok()) << c.where;
    EXPECT_NE(r.error().detail.find(c.where), std::string::npos) << r.error().detail;
  }
  auto e = resolve_config({}, env_of({{"SAMSKAP_POOL_SIZE", "-4"}}), "", "");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().detail.find("SAMSKAP_POOL_SIZE"), std::string::npos);
}

TEST(Config, FileErrorsNameTheLine) {
  auto unknown = resolve_config({}, env_of({}), "workers = 2\nfarge = \"blå\"\n", "s.toml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().detail.find("s.toml:2"), std::string::npos) << unknown.error().detail;
  auto syntax = resolve_config({}, env_of({}), "workers = [\n", "s.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().detail.find("s.toml:"), std::string::npos);
  auto type = resolve_config({}, env_of({}), "workers = 1.5\n", "s.toml");
  ASSERT_FALSE(type.ok());
  auto neg = resolve_config({}, env_of({}), "workers = -2\n", "s.toml");
  ASSERT_FALSE(neg.ok());
  auto sizes = resolve_config({}, env_of({}), "max_body_bytes = \"2 MiB\"\nsecure_cookies = true\n",
                              "s.toml");
  ASSERT_TRUE(sizes.ok()) << sizes.error().detail;
  EXPECT_EQ(sizes->max_body_bytes, 2u * 1024 * 1024);
  EXPECT_TRUE(sizes->secure_cookies);
}

TEST(Config, ParseSize) {
  EXPECT_EQ(parse_size("1048576"), 1048576u);
  EXPECT_EQ(parse_size("512KiB"), 512u * 1024);
  EXPECT_EQ(parse_size("1 MiB"), 1024u * 1024);
  EXPECT_EQ(parse_size("2mb"), 2u * 1024 * 1024);
  EXPECT_EQ(parse_size(""), std::nullopt);
  EXPECT_EQ(parse_size("MiB"), std::nullopt);
  EXPECT_EQ(parse_size("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_size("5 parsecs"), std::nullopt);
}

}  // namespace
}  // namespace samskap::cli
