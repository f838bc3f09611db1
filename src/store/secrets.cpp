#include "store/secrets.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace samskap::store {
namespace {

// sodium_init() is itself safe to call repeatedly and from several threads,
// but we call it exactly once through a function-local static (thread-safe
// initialisation) and fail loudly when the library cannot start.
void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
    return true;
  }();
  (void)ready;
}

std::array<unsigned char, crypto_hash_sha256_BYTES> sha256(std::string_view data) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  // crypto_pwhash_str_verify reads a NUL-terminated string of bounded length.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (hash.find('\0') != std::string_view::npos) return false;
  if (!hash.starts_with("$argon2id$")) return false;
  std::array<char, crypto_pwhash_STRBYTES> buf{};
  hash.copy(buf.data(), hash.size());
  return crypto_pwhash_str_verify(buf.data(), password.data(), password.size()) == 0;
}

void verify_dummy_password(std::string_view password) {
  ensure_sodium();
  // A real hash of a random password, made once: verifying against it costs
  // exactly what verifying against a user's hash costs, and never matches.
  static const std::string dummy = hash_password(random_token());
  (void)verify_password(dummy, password);
}

std::string random_token() {
  ensure_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::array<char, sodium_base64_ENCODED_LEN(32, variant)> out{};
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  sodium_memzero(bytes.data(), bytes.size());
  return std::string(out.data());
}

std::string token_hash(std::string_view token) {
  ensure_sodium();
  auto digest = sha256(token);
  std::array<char, crypto_hash_sha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  ensure_sodium();
  // Comparing fixed-size digests keeps the time independent of where the
  // strings differ, whatever their lengths.
  auto da = sha256(a);
  auto db = sha256(b);
  const bool same_digest = sodium_memcmp(da.data(), db.data(), da.size()) == 0;
  return same_digest && a.size() == b.size();
}

}  // namespace samskap::store
