// Trusted proxies, the client address behind them, and public_url (issue 13).
// Table-driven, with hostile input.

#include "web/proxy.hpp"

#include <gtest/gtest.h>

namespace samskap::web {
namespace {

std::vector<Network> nets(std::string_view list) {
  auto n = parse_networks(list);
  EXPECT_TRUE(n.ok()) << list;
  return n ? *n : std::vector<Network>{};
}

TEST(TrustedProxies, ValidEntries) {
  for (const char* ok : {"127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "[::1]", "0.0.0.0/0",
                         "192.168.1.7/32", "::ffff:10.0.0.1", "2001:db8::/32"}) {
    EXPECT_TRUE(parse_network(ok).ok()) << ok;
  }
  EXPECT_EQ(nets("127.0.0.1, 10.0.0.0/8 ::1,,").size(), 3u);
  EXPECT_TRUE(nets("").empty());
}

TEST(TrustedProxies, HostileEntriesAreRefusedByName) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1",
                          "10.0.0.0/8x", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4:80",
                          "fe80::1%eth0", "*", "10.0.0.0/8/8", "\xff\xfe", "1.2.3.4\n"}) {
    auto r = parse_network(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().detail.find("trusted_proxies"), std::string::npos) << r.error().detail;
  }
  auto list = parse_networks("127.0.0.1, nonsense");
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.error().detail.find("nonsense"), std::string::npos);
  std::string many;
  for (int i = 0; i < 257; ++i)
    many += "10.0.0." + std::to_string(i % 250) + ",";
  EXPECT_FALSE(parse_networks(many).ok());
}

TEST(TrustedProxies, NetworksMatchEitherNotation) {
  std::array<std::uint8_t, 16> a{};
  auto n = parse_network("10.0.0.0/8");
  ASSERT_TRUE(n.ok());
  ASSERT_TRUE(parse_ip("10.200.3.4", a));
  EXPECT_TRUE(n->contains(a));
  ASSERT_TRUE(parse_ip("::ffff:10.1.1.1", a));
  EXPECT_TRUE(n->contains(a));
  ASSERT_TRUE(parse_ip("11.0.0.1", a));
  EXPECT_FALSE(n->contains(a));
  auto host_bits = parse_network("10.1.2.3/8");  // host bits are ignored
  ASSERT_TRUE(host_bits.ok());
  ASSERT_TRUE(parse_ip("10.9.9.9", a));
  EXPECT_TRUE(host_bits->contains(a));
}

struct ClientCase {
  const char* what;
  const char* peer;
  const char* xff;
  const char* proto;
  const char* trusted;
  const char* want_address;
  const char* want_scheme;
};

TEST(TrustedProxies, ResolveClient) {
  const ClientCase cases[] = {
      {"no proxy trusted: the peer", "203.0.113.9", "198.51.100.1", "https", "", "203.0.113.9", ""},
      {"forged header from outside is ignored", "203.0.113.9", "10.0.0.1", "https", "127.0.0.1",
       "203.0.113.9", ""},
      {"one trusted proxy", "127.0.0.1", "198.51.100.7", "https", "127.0.0.1", "198.51.100.7",
       "https"},
      {"client's own forged entries to the left are skipped", "127.0.0.1",
       "1.1.1.1, 2.2.2.2, 198.51.100.7", "http", "127.0.0.1", "198.51.100.7", "http"},
      {"a chain of trusted proxies", "127.0.0.1", "198.51.100.7, 10.0.0.5", "https",
       "127.0.0.1, 10.0.0.0/8", "198.51.100.7", "https"},
      {"all hops trusted: the left-most", "127.0.0.1", "10.0.0.9, 10.0.0.5", "",
       "127.0.0.1,10.0.0.0/8", "10.0.0.9", ""},
      {"no header from a trusted proxy: the proxy", "127.0.0.1", "", "", "127.0.0.1", "127.0.0.1",
       ""},
      {"garbled header: the proxy", "127.0.0.1", "198.51.100.7, <script>", "https", "127.0.0.1",
       "127.0.0.1", "https"},
      {"IPv6 client through IPv4 proxy", "127.0.0.1", "2001:db8::7", "https", "127.0.0.1",
       "2001:db8::7", "https"},
      {"mapped peer address", "::ffff:127.0.0.1", "198.51.100.7", "https", "127.0.0.1",
       "198.51.100.7", "https"},
      {"unknown proto is not believed", "127.0.0.1", "198.51.100.7", "gopher", "127.0.0.1",
       "198.51.100.7", ""},
      {"proto list: the nearest hop", "127.0.0.1", "198.51.100.7", "http, https", "127.0.0.1",
       "198.51.100.7", "https"},
      {"a port in the header is garbage", "127.0.0.1", "198.51.100.7:4711", "", "127.0.0.1",
       "127.0.0.1", ""},
  };
  for (const auto& c : cases) {
    auto info = resolve_client(c.peer, c.xff, c.proto, nets(c.trusted));
    EXPECT_EQ(info.address, c.want_address) << c.what;
    EXPECT_EQ(info.scheme, c.want_scheme) << c.what;
  }
  // Hostile sizes: a huge header is ignored, never slow.
  std::string huge(100000, '1');
  EXPECT_EQ(resolve_client("127.0.0.1", huge, "", nets("127.0.0.1")).address, "127.0.0.1");
  std::string many;
  for (int i = 0; i < 500; ++i)
    many += "10.0.0.1,";
  EXPECT_EQ(resolve_client("127.0.0.1", many, "", nets("127.0.0.1,10.0.0.0/8")).address,
            "10.0.0.1");
}

TEST(PublicUrl, Normalised) {
  const std::pair<const char*, const char*> ok[] = {
      {"https://samskap.tonsberg.kommune.no", "https://samskap.tonsberg.kommune.no"},
      {"https://samskap.tonsberg.kommune.no/", "https://samskap.tonsberg.kommune.no"},
      {"HTTPS://Samskap.Kommune.NO:8443/", "https://samskap.kommune.no:8443"},
      {"http://10.0.0.5:8080", "http://10.0.0.5:8080"},
      {"https://kommune.no/samskap/", "https://kommune.no/samskap"},
      {"https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"},
  };
  for (const auto& [in, want] : ok) {
    auto r = normalise_public_url(in);
    ASSERT_TRUE(r.ok()) << in << ": " << r.error().detail;
    EXPECT_EQ(*r, want);
  }
}

TEST(PublicUrl, HostileValuesAreRefusedWithAReason) {
  for (const char* bad : {"",
                          "samskap.kommune.no",
                          "ftp://samskap.kommune.no",
                          "https://",
                          "https:///x",
                          "https://samskap.kommune.no?x=1",
                          "https://samskap.kommune.no#top",
                          "https://user:pw@samskap.kommune.no",
                          "https://samskap kommune.no",
                          "https://samskap.kommune.no:0",
                          "https://samskap.kommune.no:99999",
                          "https://samskap.kommune.no:",
                          "https://samskap.kommune.no:8a",
                          "https://[::1",
                          "https://[zz::1]",
                          "javascript:alert(1)",
                          "https://sam_skap.no",
                          "https://.kommune.no",
                          "https://kommune.no//x",
                          "https://kø.no",
                          "https://a.no\r\n"}) {
    auto r = normalise_public_url(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(r.error().detail.starts_with("public_url: ")) << r.error().detail;
  }
}

}  // namespace
}  // namespace samskap::web
