#include "web/proxy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace samskap::web {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

bool is_v4_mapped(const std::array<std::uint8_t, 16>& a) {
  for (int i = 0; i < 10; ++i)
    if (a[i] != 0) return false;
  return a[10] == 0xff && a[11] == 0xff;
}

std::string to_text(const std::array<std::uint8_t, 16>& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4_mapped(a)) {
    inet_ntop(AF_INET, a.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
  }
  return buf;
}

Error config_error(std::string detail) {
  return Error::invalid("error.config", std::move(detail));
}

}  // namespace

bool Network::contains(const std::array<std::uint8_t, 16>& a) const noexcept {
  int full = bits / 8;
  for (int i = 0; i < full; ++i)
    if (a[i] != address[i]) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (address[full] & mask);
}

bool parse_ip(std::string_view text, std::array<std::uint8_t, 16>& out) noexcept {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 45) return false;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char v4[4];
  if (inet_pton(AF_INET, buf, v4) == 1) {
    out = {};
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, v4, 4);
    return true;
  }
  return inet_pton(AF_INET6, buf, out.data()) == 1;
}

Result<Network> parse_network(std::string_view text) {
  text = trim(text);
  const std::string shown(text.substr(0, 80));
  auto slash = text.find('/');
  std::string_view addr = text.substr(0, slash);
  Network n;
  if (!parse_ip(addr, n.address))
    return config_error("trusted_proxies: '" + shown + "' is not an IP address or CIDR range");
  const bool v4 = addr.find(':') == std::string_view::npos;
  const int max_bits = v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return config_error("trusted_proxies: '" + shown + "' has no valid prefix length after '/'");
    bits = std::stoi(std::string(digits));
    if (bits > max_bits)
      return config_error("trusted_proxies: '" + shown + "': the prefix length must be 0-" +
                          std::to_string(max_bits));
  }
  n.bits = v4 ? bits + 96 : bits;
  // An IPv4 range is matched on its mapped form; clear the host bits so a
  // careless "10.1.2.3/8" means 10.0.0.0/8.
  for (int i = n.bits; i < 128; ++i)
    n.address[i / 8] &= static_cast<std::uint8_t>(~(0x80 >> (i % 8)));
  return n;
}

Result<std::vector<Network>> parse_networks(std::string_view list) {
  std::vector<Network> out;
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ',' || is_space(list[i])))
      ++i;
    std::size_t j = i;
    while (j < list.size() && list[j] != ',' && !is_space(list[j]))
      ++j;
    if (j > i) {
      if (out.size() == 256) return config_error("trusted_proxies: more than 256 entries");
      auto n = parse_network(list.substr(i, j - i));
      if (!n) return std::move(n).error();
      out.push_back(*n);
    }
    i = j;
  }
  return out;
}

ClientInfo resolve_client(std::string_view peer, std::string_view forwarded_for,
                          std::string_view forwarded_proto, const std::vector<Network>& trusted) {
  ClientInfo info;
  std::array<std::uint8_t, 16> peer_ip{};
  if (!parse_ip(peer, peer_ip)) {
    info.address = std::string(peer.substr(0, 64));
    return info;
  }
  info.address = to_text(peer_ip);
  auto is_trusted = [&](const std::array<std::uint8_t, 16>& a) {
    return std::any_of(trusted.begin(), trusted.end(),
                       [&](const Network& n) { return n.contains(a); });
  };
  if (trusted.empty() || !is_trusted(peer_ip)) return info;

  auto proto = trim(forwarded_proto);
  if (auto comma = proto.rfind(','); comma != std::string_view::npos)
    proto = trim(proto.substr(comma + 1));  // the hop nearest to us
  std::string p(proto);
  std::transform(p.begin(), p.end(), p.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (p == "https" || p == "http") info.scheme = p;

  // Walk X-Forwarded-For from the right: each trusted hop vouches for the one
  // before it; the first untrusted address is the client.
  if (forwarded_for.size() > 8192) return info;
  std::vector<std::array<std::uint8_t, 16>> hops;
  std::size_t start = 0;
  while (start <= forwarded_for.size()) {
    auto comma = forwarded_for.find(',', start);
    auto item = trim(forwarded_for.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (!item.empty()) {
      std::array<std::uint8_t, 16> a{};
      if (!parse_ip(item, a)) return info;  // a garbled header proves nothing
      hops.push_back(a);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    info.address = to_text(*it);
    info.forwarded = true;
    if (!is_trusted(*it)) break;
  }
  return info;
}

Result<std::string> normalise_public_url(std::string_view text) {
  auto bad = [&](std::string why) {
    return config_error("public_url: '" + std::string(text.substr(0, 200)) + "' " + why);
  };
  if (text.empty()) return bad("is empty");
  for (unsigned char c : text)
    if (c <= 0x20 || c >= 0x7f) return bad("contains spaces or characters outside ASCII");
  std::string s(text);
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::size_t rest;
  std::string scheme;
  if (lower.starts_with("https://")) {
    scheme = "https";
    rest = 8;
  } else if (lower.starts_with("http://")) {
    scheme = "http";
    rest = 7;
  } else {
    return bad("is not an absolute http:// or https:// address");
  }
  if (s.find_first_of("?#") != std::string::npos) return bad("must not have a query or fragment");
  auto path_at = s.find('/', rest);
  std::string authority =
      s.substr(rest, path_at == std::string::npos ? std::string::npos : path_at - rest);
  std::string path = path_at == std::string::npos ? "" : s.substr(path_at);
  if (authority.empty()) return bad("has no host");
  if (authority.find('@') != std::string::npos) return bad("must not contain a user name");
  std::string host = authority, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string::npos) return bad("has an unclosed IPv6 address");
    std::array<std::uint8_t, 16> ip{};
    if (!parse_ip(authority.substr(0, close + 1), ip)) return bad("has an invalid IPv6 address");
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad("has something after the IPv6 address");
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.find(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad("has no host");
  if (host.front() != '[') {
    for (char c : host)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
        return bad("has an invalid host name");
    if (host.front() == '.' || host.front() == '-') return bad("has an invalid host name");
  }
  if (authority.find(':') != std::string::npos && host.front() != '[' && port.empty())
    return bad("has an empty port");
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        }))
      return bad("has an invalid port");
    int p = std::stoi(port);
    if (p < 1 || p > 65535) return bad("has a port outside 1-65535");
  }
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  if (path.find("//") != std::string::npos) return bad("has an empty path segment");
  std::string host_lower = host;
  std::transform(host_lower.begin(), host_lower.end(), host_lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return scheme + "://" + host_lower + (port.empty() ? "" : ":" + port) + path;
}

}  // namespace samskap::web
