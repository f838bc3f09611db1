#pragma once
// Passwords and tokens (libsodium). Thread-safe. Hashing a password takes
// about 0.1 s and 64 MiB by design: call it on a worker thread.

#include <string>
#include <string_view>

namespace samskap::store {

// An argon2id hash at libsodium's interactive limits, in the PHC string format
// ("$argon2id$v=19$m=65536,t=2,p=1$…"). Throws std::runtime_error only when
// memory cannot be allocated.
std::string hash_password(std::string_view password);

// Constant-time check of `password` against a hash from hash_password().
// False for a wrong password or a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);

// Runs the same work as a verification against a fixed dummy hash, so that an
// unknown account takes as long as a known one (no account enumeration).
void verify_dummy_password(std::string_view password);

// 32 random bytes as URL-safe base64 without padding (43 characters).
std::string random_token();

// The SHA-256 of a token as 64 lower-case hex characters: tokens are stored
// only as this hash, so a database leak does not reveal live tokens.
std::string token_hash(std::string_view token);

// Constant-time comparison of two strings of any length.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace samskap::store
