#include "core/io/sha256.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace actscope {
namespace {

constexpr std::array<uint32_t, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

uint32_t rotate_right(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void compress(std::array<uint32_t, 8>& state, const uint8_t* block) {
  std::array<uint32_t, 64> w{};
  for (int i = 0; i < 16; ++i) {
    w[i] = (uint32_t{block[4 * i]} << 24) | (uint32_t{block[4 * i + 1]} << 16) |
           (uint32_t{block[4 * i + 2]} << 8) | block[4 * i + 3];
  }
  for (int i = 16; i < 64; ++i) {
    const uint32_t s0 = rotate_right(w[i - 15], 7) ^ rotate_right(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const uint32_t s1 = rotate_right(w[i - 2], 17) ^ rotate_right(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  auto [a, b, c, d, e, f, g, h] = state;
  for (int i = 0; i < 64; ++i) {
    const uint32_t t1 = h + (rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25)) +
                        ((e & f) ^ (~e & g)) + kRound[i] + w[i];
    const uint32_t t2 =
        (rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  const std::array<uint32_t, 8> add = {a, b, c, d, e, f, g, h};
  for (int i = 0; i < 8; ++i) state[i] += add[i];
}

#if defined(__x86_64__)
// The x86 SHA extensions (SHA-NI): the same compression, four rounds per pair
// of sha256rnds2, the schedule by sha256msg1/msg2. About 7x the portable
// loop, which matters for the manifests of 45 MB models (0.2 s of a cam run).
bool has_sha_extensions() {
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) return false;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return (b & (1u << 29)) != 0;  // CPUID.(EAX=7,ECX=0):EBX.SHA
  }();
  return has;
}

__attribute__((target("sha,sse4.1,ssse3"))) void compress_sha_extensions(std::array<uint32_t, 8>& state,
                                                                           const uint8_t* blocks, size_t count) {
  // The instructions keep the state as ABEF and CDGH.
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data()));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data() + 4));
  const __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  const __m128i big_endian = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  for (size_t block = 0; block < count; ++block, blocks += 64) {
    const __m128i abef_before = abef, cdgh_before = cdgh;
    __m128i words[16];  // the schedule, four words each
    for (int i = 0; i < 16; ++i) {
      if (i < 4) {
        words[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks + 16 * i)), big_endian);
      } else {
        const __m128i sum = _mm_add_epi32(_mm_sha256msg1_epu32(words[i - 4], words[i - 3]),
                                          _mm_alignr_epi8(words[i - 1], words[i - 2], 4));
        words[i] = _mm_sha256msg2_epu32(sum, words[i - 1]);
      }
      __m128i message = _mm_add_epi32(words[i], _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kRound[4 * i])));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);
      message = _mm_shuffle_epi32(message, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, message);
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  hgfe = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), dcba);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data() + 4), hgfe);
}
#endif

// Hashes `count` whole 64-byte blocks, with the SHA extensions when the CPU
// has them and `engine` allows.
void compress_blocks(std::array<uint32_t, 8>& state, const uint8_t* blocks, size_t count, Sha256Engine engine) {
#if defined(__x86_64__)
  if (engine == Sha256Engine::kFastest && has_sha_extensions()) {
    compress_sha_extensions(state, blocks, count);
    return;
  }
#endif
  for (size_t block = 0; block < count; ++block) compress(state, blocks + 64 * block);
}

// Streaming SHA-256: blocks are hashed as they arrive, so large model files
// are never copied whole.
class Sha256 {
 public:
  explicit Sha256(Sha256Engine engine = Sha256Engine::kFastest) : engine_(engine) {}

  void update(const uint8_t* data, size_t size) {
    length_ += size;
    if (buffered_ > 0) {  // complete the partial block first
      const size_t take = std::min(size, size_t{64} - buffered_);
      std::memcpy(buffer_.data() + buffered_, data, take);
      buffered_ += take;
      data += take;
      size -= take;
      if (buffered_ < 64) return;
      compress_blocks(state_, buffer_.data(), 1, engine_);
      buffered_ = 0;
    }
    const size_t whole = size / 64;
    compress_blocks(state_, data, whole, engine_);
    std::memcpy(buffer_.data(), data + 64 * whole, size - 64 * whole);
    buffered_ = size - 64 * whole;
  }

  std::string hex_digest() {
    const uint64_t bits = length_ * 8;
    const uint8_t one = 0x80, zero = 0;
    update(&one, 1);
    while (buffered_ != 56) update(&zero, 1);
    uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
    update(length, 8);
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (uint32_t word : state_) {
      for (int shift = 28; shift >= 0; shift -= 4) hex.push_back(kHex[(word >> shift) & 0xf]);
    }
    return hex;
  }

 private:
  std::array<uint32_t, 8> state_ = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t length_ = 0;
  Sha256Engine engine_;
};

}  // namespace

bool sha256_has_fast_engine() {
#if defined(__x86_64__)
  return has_sha_extensions();
#else
  return false;
#endif
}

std::string sha256_hex(const std::string& bytes, Sha256Engine engine) {
  Sha256 hash(engine);
  hash.update(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return hash.hex_digest();
}

namespace {

Result<std::string> hash_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{path + ": cannot read the file"};
  Sha256 hash;
  std::vector<char> chunk(1 << 20);
  while (file.read(chunk.data(), chunk.size()) || file.gcount() > 0) {
    hash.update(reinterpret_cast<const uint8_t*>(chunk.data()), static_cast<size_t>(file.gcount()));
  }
  return hash.hex_digest();
}

// Digests by path, remembered with the file's size and modification time:
// exporting again and again from one model hashes the file once. A digest
// may still be on its way (prefetch_sha256_of_file).
struct KnownDigest {
  uintmax_t size = 0;
  std::filesystem::file_time_type modified;
  std::shared_future<Result<std::string>> digest;
};

std::mutex known_mutex;
std::map<std::string, KnownDigest>& known_digests() {
  static std::map<std::string, KnownDigest> known;
  return known;
}

// The remembered digest of `path` as it is now, or a new one made by `make`.
std::shared_future<Result<std::string>> digest_of(
    const std::string& path, const std::function<std::shared_future<Result<std::string>>()>& make, bool& made) {
  made = false;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  const auto modified = ec ? std::filesystem::file_time_type{} : std::filesystem::last_write_time(path, ec);
  if (ec) {
    std::promise<Result<std::string>> failed;
    failed.set_value(Error{path + ": cannot read the file (" + ec.message() + ")"});
    return failed.get_future().share();
  }
  std::lock_guard<std::mutex> lock(known_mutex);
  auto& known = known_digests();
  auto it = known.find(path);
  if (it != known.end() && it->second.size == size && it->second.modified == modified) return it->second.digest;
  made = true;
  auto digest = make();
  known[path] = {size, modified, digest};
  return digest;
}

}  // namespace

Result<std::string> sha256_of_file(const std::string& path) {
  std::promise<Result<std::string>> here;
  bool made = false;
  auto digest = digest_of(path, [&] { return here.get_future().share(); }, made);
  if (made) here.set_value(hash_file(path));  // hashed on this thread, outside the lock
  Result<std::string> result = digest.get();
  if (!result) {  // not remembered: the file may be readable next time
    std::lock_guard<std::mutex> lock(known_mutex);
    known_digests().erase(path);
  }
  return result;
}

void prefetch_sha256_of_file(const std::string& path) {
  bool made = false;
  digest_of(path, [&] { return std::async(std::launch::async, hash_file, path).share(); }, made);
}

}  // namespace actscope
