#pragma once
// Where requests really come from, and the address people use (issue 13).
//
// Behind a reverse proxy (nginx) every connection comes from the proxy. Only
// when the connection's peer is one of the configured `trusted_proxies` are
// the proxy's X-Forwarded-For and X-Forwarded-Proto believed: the client is
// the right-most address of X-Forwarded-For that is not itself trusted (the
// entries to its left are whatever the client chose to send). Anything else
// keeps the peer address, so a forged header from outside changes nothing.
//
// Pure functions over text; no I/O. Thread-safe (immutable values).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace samskap::web {

// An IPv4 or IPv6 network: `bits` leading bits of `address` (16 bytes; IPv4
// is held as an IPv4-mapped IPv6 address, ::ffff:a.b.c.d, so one network
// matches the address in either notation).
struct Network {
  std::array<std::uint8_t, 16> address{};
  int bits = 128;
  bool contains(const std::array<std::uint8_t, 16>& a) const noexcept;
};

// Parses an address ("10.0.0.1", "::1", "[::1]", "::ffff:10.0.0.1") into its
// 16-byte form. False on anything else (names, ports, zone ids, spaces).
bool parse_ip(std::string_view text, std::array<std::uint8_t, 16>& out) noexcept;

// Parses one entry of trusted_proxies: an address or a CIDR range
// ("10.0.0.0/8", "fd00::/8"). The prefix length must fit the family
// (0-32 for IPv4, 0-128 for IPv6). invalid_input ("error.config") naming the
// entry otherwise.
Result<Network> parse_network(std::string_view text);

// Parses a list separated by commas and/or white space. An empty list is
// valid (no proxy is trusted). At most 256 entries.
Result<std::vector<Network>> parse_networks(std::string_view list);

struct ClientInfo {
  std::string address;     // the client's address as text, canonical form
  bool forwarded = false;  // it came from X-Forwarded-For
  std::string scheme;      // "https"/"http" from X-Forwarded-Proto, or "" when not told
};

// The client of a request whose TCP peer is `peer`, given the request's
// X-Forwarded-For and X-Forwarded-Proto values ("" when absent). A header
// that cannot be parsed is ignored as a whole (the peer, or the last trusted
// hop, is the client). Never throws.
ClientInfo resolve_client(std::string_view peer, std::string_view forwarded_for,
                          std::string_view forwarded_proto, const std::vector<Network>& trusted);

// Checks and normalises public_url: an absolute http or https URL with a host,
// an optional port and an optional path, without user info, query or
// fragment; the trailing slash is removed ("https://samskap.kommune.no/" →
// "https://samskap.kommune.no"). invalid_input ("error.config") with a reason.
Result<std::string> normalise_public_url(std::string_view text);

}  // namespace samskap::web
