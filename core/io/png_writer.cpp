#include "core/io/png_writer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include <libdeflate.h>
#include <zlib.h>

namespace actscope {
namespace {

// ---- The repeats path: deflate (RFC 1951) of the repeats it knows ----

// Deflate's bits go out least significant first. Bytes go into `out` past
// its end; reserve() before writing, flush() when done.
class BitWriter {
 public:
  explicit BitWriter(std::string& out) : out_(out), at_(out.size()) {}

  // Makes room for at least `bytes` more bytes.
  void reserve(size_t bytes) {
    if (out_.size() < at_ + bytes) out_.resize(std::max(at_ + bytes, out_.size() * 2));
  }

  // Appends the low `count` (at most 56) bits of `bits`; needs 8 reserved
  // bytes. Whole bytes go out at once, without a branch.
  void put(uint64_t bits, int count) {
    buffer_ |= bits << filled_;
    filled_ += count;
    std::memcpy(&out_[at_], &buffer_, 8);  // little-endian: the first bits first
    at_ += static_cast<size_t>(filled_ >> 3);
    buffer_ >>= filled_ & ~7;
    filled_ &= 7;
  }

  // Pads the last byte with zeros and ends `out` there.
  void flush() {
    reserve(8);
    if (filled_ > 0) out_[at_++] = static_cast<char>(buffer_);
    filled_ = 0;
    buffer_ = 0;
    out_.resize(at_);
  }

 private:
  std::string& out_;
  size_t at_;  // where the next byte goes
  uint64_t buffer_ = 0;
  int filled_ = 0;
};

constexpr int kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr int kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr int kDistanceBase[30] = {1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
                                   33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
                                   1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};

// The length code (0..28, symbol 257 + code) of a match length 3..258.
int length_code(int length) {
  static const std::array<uint8_t, 259> codes = [] {
    std::array<uint8_t, 259> table{};
    for (int n = 3, code = 0; n <= 258; ++n) {
      while (code < 28 && kLengthBase[code + 1] <= n) ++code;
      table[n] = static_cast<uint8_t>(code);
    }
    return table;
  }();
  return codes[length];
}

int distance_code(int distance) {
  int code = 29;
  while (kDistanceBase[code] > distance) --code;
  return code;
}

int distance_extra_bits(int code) { return code < 4 ? 0 : code / 2 - 1; }

// Huffman code lengths for `frequencies`, none longer than `limit`; unused
// symbols get 0. At least two symbols get a code, so every code is complete
// (a lone symbol is paired with symbol 0 or 1).
std::vector<uint8_t> code_lengths(std::vector<uint32_t> frequencies, int limit) {
  const int n = static_cast<int>(frequencies.size());
  int used = 0;
  for (uint32_t f : frequencies) used += f > 0;
  for (int s = 0; used < 2 && s < n; ++s) {
    if (frequencies[s] == 0) {
      frequencies[s] = 1;
      ++used;
    }
  }
  std::vector<uint8_t> lengths(n, 0);
  for (;;) {
    // Huffman's construction with two queues: the leaves sorted by weight,
    // and the inner nodes, which are made in order of weight.
    std::vector<std::pair<uint64_t, int>> leaves;
    for (int s = 0; s < n; ++s) {
      if (frequencies[s] > 0) leaves.emplace_back(frequencies[s], s);
    }
    std::sort(leaves.begin(), leaves.end());
    const size_t m = leaves.size(), nodes = 2 * m - 1;
    std::vector<uint64_t> weight(nodes);
    std::vector<size_t> parent(nodes, 0);
    for (size_t i = 0; i < m; ++i) weight[i] = leaves[i].first;
    size_t leaf = 0, inner = m;
    const auto lightest = [&](size_t made) {
      return leaf < m && (inner >= made || weight[leaf] <= weight[inner]) ? leaf++ : inner++;
    };
    for (size_t made = m; made < nodes; ++made) {
      const size_t a = lightest(made);
      const size_t b = lightest(made);
      weight[made] = weight[a] + weight[b];
      parent[a] = parent[b] = made;
    }
    // Depths from the root (the last node) down: a parent comes after its children.
    std::vector<int> depth(nodes, 0);
    for (size_t i = nodes - 1; i-- > 0;) depth[i] = depth[parent[i]] + 1;
    int longest = 0;
    for (size_t i = 0; i < m; ++i) {
      lengths[leaves[i].second] = static_cast<uint8_t>(depth[i]);
      longest = std::max(longest, depth[i]);
    }
    if (longest <= limit) return lengths;
    for (uint32_t& f : frequencies) f = f > 0 ? (f + 1) / 2 : 0;  // flatter, so shallower
  }
}

// Canonical codes (RFC 1951, 3.2.2) of `lengths`, reversed for put().
std::vector<uint32_t> canonical_codes(const std::vector<uint8_t>& lengths) {
  int count[16] = {};
  for (uint8_t length : lengths) ++count[length];
  count[0] = 0;
  uint32_t next[16] = {};
  uint32_t code = 0;
  for (int bits = 1; bits < 16; ++bits) {
    code = (code + count[bits - 1]) << 1;
    next[bits] = code;
  }
  std::vector<uint32_t> codes(lengths.size(), 0);
  for (size_t s = 0; s < lengths.size(); ++s) {
    const int length = lengths[s];
    if (length == 0) continue;
    uint32_t value = next[length]++, flipped = 0;
    for (int i = 0; i < length; ++i, value >>= 1) flipped = (flipped << 1) | (value & 1);
    codes[s] = flipped;
  }
  return codes;
}

// Tokens of one deflate block at a time, each block with its own Huffman
// codes (captions, tiles and noise get codes fitted to them). A token is a
// literal byte (< 256) or kMatch | length << 8 | the distance's index.
class BlockDeflater {
 public:
  static constexpr uint32_t kMatch = 1u << 31;

  BlockDeflater(BitWriter& bits, std::vector<int> distances) : bits_(bits), distances_(std::move(distances)) {
    for (int distance : distances_) distance_codes_.push_back(distance_code(distance));
    tokens_.reserve(kBlockTokens);
  }

  void literal(uint8_t byte) {
    tokens_.push_back(byte);
    ++literal_frequency_[byte];
    if (tokens_.size() >= kBlockTokens) write_block(false);
  }

  // The `count` bytes at `bytes` as literals.
  void literals(const uint8_t* bytes, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      tokens_.push_back(bytes[i]);
      ++literal_frequency_[bytes[i]];
    }
    if (tokens_.size() >= kBlockTokens) write_block(false);
  }

  // A match of `length` (3..258) at distance distances[which].
  void match(int length, int which) {
    tokens_.push_back(kMatch | static_cast<uint32_t>(length) << 8 | static_cast<uint32_t>(which));
    ++literal_frequency_[257 + length_code(length)];
    ++distance_frequency_[distance_codes_[which]];
    if (tokens_.size() >= kBlockTokens) write_block(false);
  }

  // Writes what is left as the final block.
  void finish() { write_block(true); }

 private:
  static constexpr size_t kBlockTokens = 1 << 18;

  // Sends the code lengths of both alphabets with the code-length code
  // (symbols 16: repeat the previous 3-6 times, 17/18: 3-10/11-138 zeros).
  // Trailing unused codes are not sent (at least 257 literal/length codes
  // and one distance code are).
  void write_code_lengths(std::vector<uint8_t> literal, std::vector<uint8_t> distance) {
    while (literal.size() > 257 && literal.back() == 0) literal.pop_back();
    while (distance.size() > 1 && distance.back() == 0) distance.pop_back();
    std::vector<uint8_t> all(literal);
    all.insert(all.end(), distance.begin(), distance.end());
    std::vector<std::pair<int, int>> symbols;  // (symbol, extra value)
    for (size_t i = 0; i < all.size();) {
      size_t run = 1;
      while (i + run < all.size() && all[i + run] == all[i]) ++run;
      if (all[i] == 0 && run >= 3) {
        const size_t take = std::min<size_t>(run, 138);
        symbols.emplace_back(take >= 11 ? 18 : 17, static_cast<int>(take >= 11 ? take - 11 : take - 3));
        i += take;
      } else if (all[i] != 0 && run >= 4) {
        symbols.emplace_back(all[i], 0);
        const size_t take = std::min<size_t>(run - 1, 6);
        symbols.emplace_back(16, static_cast<int>(take - 3));
        i += 1 + take;
      } else {
        symbols.emplace_back(all[i], 0);
        ++i;
      }
    }
    std::vector<uint32_t> frequency(19, 0);
    for (const auto& symbol : symbols) ++frequency[symbol.first];
    const std::vector<uint8_t> lengths = code_lengths(frequency, 7);
    const std::vector<uint32_t> codes = canonical_codes(lengths);
    static constexpr int kOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int sent = 19;
    while (sent > 4 && lengths[kOrder[sent - 1]] == 0) --sent;
    bits_.put(static_cast<uint32_t>(literal.size() - 257), 5);
    bits_.put(static_cast<uint32_t>(distance.size() - 1), 5);
    bits_.put(static_cast<uint32_t>(sent - 4), 4);
    for (int i = 0; i < sent; ++i) bits_.put(lengths[kOrder[i]], 3);
    static constexpr int kExtraBits[19] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7};
    for (const auto& [symbol, extra] : symbols) {
      bits_.put(codes[symbol], lengths[symbol]);
      if (kExtraBits[symbol] > 0) bits_.put(static_cast<uint32_t>(extra), kExtraBits[symbol]);
    }
  }

  void write_block(bool final) {
    ++literal_frequency_[256];  // end of block
    const std::vector<uint8_t> literal_lengths = code_lengths(literal_frequency_, 15);
    const std::vector<uint8_t> distance_lengths = code_lengths(distance_frequency_, 15);
    const std::vector<uint32_t> literal_codes = canonical_codes(literal_lengths);
    const std::vector<uint32_t> distance_codes = canonical_codes(distance_lengths);
    // At most 15 + 5 + 15 + 13 bits a token, the block's header, and the
    // 8 bytes put() may store past the end.
    bits_.reserve(tokens_.size() * 6 + 1024);
    bits_.put(final ? 1 : 0, 1);
    bits_.put(2, 2);  // BTYPE 10: dynamic Huffman codes
    write_code_lengths(literal_lengths, distance_lengths);
    // Every match this block can hold, ready to send as one put: the
    // length's code and extra bits, then the distance's code and extra bits
    // (at most 15 + 5 + 15 + 13 bits).
    std::vector<std::pair<uint64_t, int>> matches(distances_.size() * 259);
    for (size_t which = 0; which < distances_.size(); ++which) {
      const int code = distance_codes_[which];
      const uint64_t distance = distance_codes[code] | static_cast<uint64_t>(distances_[which] - kDistanceBase[code])
                                                           << distance_lengths[code];
      const int distance_bits = distance_lengths[code] + distance_extra_bits(code);
      for (int length = 3; length <= 258; ++length) {
        const int length_symbol = length_code(length);
        const int symbol = 257 + length_symbol;
        const int length_bits = literal_lengths[symbol] + kLengthExtra[length_symbol];
        const uint64_t sent =
            literal_codes[symbol] | static_cast<uint64_t>(length - kLengthBase[length_symbol]) << literal_lengths[symbol];
        matches[which * 259 + length] = {sent | distance << length_bits, length_bits + distance_bits};
      }
    }
    const size_t count = tokens_.size();
    for (size_t i = 0; i < count; ++i) {
      const uint32_t token = tokens_[i];
      if (token & kMatch) {
        const auto& match = matches[(token & 0xff) * 259 + ((token >> 8) & 0x1ff)];
        bits_.put(match.first, match.second);
        continue;
      }
      // Up to three literals in one put (at most 45 bits).
      uint64_t sent = literal_codes[token];
      int length = literal_lengths[token];
      for (int more = 0; more < 2 && i + 1 < count && !(tokens_[i + 1] & kMatch); ++more) {
        const uint32_t next = tokens_[++i];
        sent |= static_cast<uint64_t>(literal_codes[next]) << length;
        length += literal_lengths[next];
      }
      bits_.put(sent, length);
    }
    bits_.put(literal_codes[256], literal_lengths[256]);
    tokens_.clear();
    literal_frequency_.assign(286, 0);
    distance_frequency_.assign(30, 0);
  }

  BitWriter& bits_;
  std::vector<int> distances_;
  std::vector<int> distance_codes_;  // of each of distances_
  std::vector<uint32_t> tokens_;
  std::vector<uint32_t> literal_frequency_ = std::vector<uint32_t>(286, 0);
  std::vector<uint32_t> distance_frequency_ = std::vector<uint32_t>(30, 0);
};

// How many bytes from the start `a` and `b` share, at most `limit`.
size_t common_length(const uint8_t* a, const uint8_t* b, size_t limit) {
  size_t n = 0;
  for (; n + 8 <= limit; n += 8) {
    uint64_t x = 0, y = 0;
    std::memcpy(&x, a + n, 8);
    std::memcpy(&y, b + n, 8);
    if (x != y) return n + static_cast<size_t>(__builtin_ctzll(x ^ y) / 8);
  }
  while (n < limit && a[n] == b[n]) ++n;
  return n;
}

// Whether the 3 bytes at `a` and `b` are equal (a match could start here).
bool starts_alike(const uint8_t* a, const uint8_t* b) { return a[0] == b[0] && a[1] == b[1] && a[2] == b[2]; }

// Where a match could start among the first 6 of the 8 bytes at `a` and
// `b`: bit 8i + 7 is set when bytes i, i+1 and i+2 are equal. Branch free,
// so that runs of literals cost no mispredicted compares.
uint64_t match_starts(const uint8_t* a, const uint8_t* b) {
  uint64_t x = 0, y = 0;
  std::memcpy(&x, a, 8);
  std::memcpy(&y, b, 8);
  const uint64_t difference = x ^ y;
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;
  const uint64_t equal = ~(((difference & kLow7) + kLow7) | difference | kLow7);  // 0x80 where equal
  return equal & (equal >> 8) & (equal >> 16);
}

void append_big_endian(std::string& out, uint32_t value) {
  const char bytes[4] = {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
                         static_cast<char>(value)};
  out.append(bytes, 4);
}

// The two distances deflate_repeats uses, as BlockDeflater indexes them.
enum : int { kUp = 0, kLeft = 1 };

// A scanline equal to the one above: matches of 258, none shorter than 3.
void deflate_repeated_scanline(size_t stride, BlockDeflater& deflater) {
  for (size_t remaining = stride; remaining > 0;) {
    size_t take = std::min<size_t>(remaining, 258);
    if (remaining - take > 0 && remaining - take < 3) take = remaining - 3;
    deflater.match(static_cast<int>(take), kUp);
    remaining -= take;
  }
}

// Any other scanline (`above` is null for the first); returns how many
// literals it took.
size_t deflate_scanline(const uint8_t* row, const uint8_t* above, size_t row_bytes, BlockDeflater& deflater) {
  size_t literals = 0;
  // The filter byte, alone or with the row above's first bytes.
  size_t x = above ? common_length(row, above, std::min<size_t>(row_bytes, 257)) : 0;
  if (x >= 2) {
    deflater.match(static_cast<int>(x + 1), kUp);
  } else {
    deflater.literal(0);
    x = 0;
    ++literals;
  }
  while (x < row_bytes) {
    if (above && x >= 3 && x + 8 <= row_bytes) {
      // Six positions at a time: literals up to the first that could
      // start a match, then the match search below from there.
      const uint64_t starts = match_starts(row + x, above + x) | match_starts(row + x, row + x - 3);
      const size_t plain = starts == 0 ? 6 : static_cast<size_t>(__builtin_ctzll(starts) / 8);
      deflater.literals(row + x, plain);
      x += plain;
      literals += plain;
      if (starts == 0) continue;
    }
    const size_t limit = std::min<size_t>(258, row_bytes - x);
    if (limit >= 3 && !(above && starts_alike(row + x, above + x)) && !(x >= 3 && starts_alike(row + x, row + x - 3))) {
      deflater.literal(row[x]);  // no match of 3 bytes: most literals end here
      ++x;
      ++literals;
      continue;
    }
    size_t best = above ? common_length(row + x, above + x, limit) : 0;
    int which = kUp;
    if (best < limit && x >= 3) {
      const size_t run = common_length(row + x, row + x - 3, limit);
      if (run > best) {
        best = run;
        which = kLeft;
      }
    }
    if (best >= 3) {
      deflater.match(static_cast<int>(best), which);
      x += best;
    } else {
      deflater.literal(row[x]);
      ++x;
      ++literals;
    }
  }
  return literals;
}

// Deflates the PNG scanlines (filter byte 0, then the row's bytes) of the
// picture into `bits`, using two kinds of repeat only: the byte `stride`
// back (the row above) and 3 back (the pixel to the left). Also returns
// their Adler-32. With `decline`, false as soon as the picture shows it is
// not made of repeats (the general path compresses it better).
bool deflate_repeats(const uint8_t* rgb, int width, int height, bool decline, BitWriter& bits, uint32_t& adler) {
  const size_t row_bytes = static_cast<size_t>(width) * 3;
  const size_t stride = row_bytes + 1;  // a scanline: the filter byte, then the row
  BlockDeflater deflater(bits, {static_cast<int>(stride), 3});
  const size_t literal_budget = stride * static_cast<size_t>(height) / 2;
  adler = 1;
  uint32_t row_adler = 1;
  size_t literals = 0;
  for (int y = 0; y < height; ++y) {
    const uint8_t* row = rgb + static_cast<size_t>(y) * row_bytes;
    const uint8_t* above = y > 0 ? row - row_bytes : nullptr;
    if (above && std::memcmp(row, above, row_bytes) == 0) {
      deflate_repeated_scanline(stride, deflater);
      adler = static_cast<uint32_t>(adler32_combine(adler, row_adler, static_cast<z_off_t>(stride)));
      continue;
    }
    literals += deflate_scanline(row, above, row_bytes, deflater);
    // Declines once literals pass half of the picture, or early, from the
    // first eighth of the rows on, while they are more than three quarters
    // of the bytes so far (a photograph: the repeats pass would be wasted
    // work). Grids of maps shown at their own size (a third literals) stay:
    // the general path would make them about 30% smaller but take twice as
    // long.
    const size_t rows = static_cast<size_t>(y) + 1;
    if (decline && (literals > literal_budget || (rows >= 8 && rows * 8 >= static_cast<size_t>(height) &&
                                                  literals * 4 > stride * rows * 3))) {
      return false;
    }
    row_adler = libdeflate_adler32(libdeflate_adler32(1, "\0", 1), row, row_bytes);
    adler = static_cast<uint32_t>(adler32_combine(adler, row_adler, static_cast<z_off_t>(stride)));
  }
  deflater.finish();
  bits.flush();
  return true;
}

// The CRC of the chunk whose type starts at `type_at` and runs to the end.
void append_chunk_crc(std::string& out, size_t type_at) {
  append_big_endian(out, libdeflate_crc32(0, out.data() + type_at, out.size() - type_at));
}

// The signature and the IHDR chunk: 8 bits, RGB, no interlace.
void append_png_header(std::string& out, int width, int height) {
  out.assign("\x89PNG\r\n\x1a\n", 8);
  append_big_endian(out, 13);
  const size_t type_at = out.size();
  out += "IHDR";
  append_big_endian(out, static_cast<uint32_t>(width));
  append_big_endian(out, static_cast<uint32_t>(height));
  out.append("\x08\x02\x00\x00\x00", 5);  // 8 bits, RGB, deflate, no filter method, no interlace
  append_chunk_crc(out, type_at);
}

void append_png_end(std::string& out) {
  append_big_endian(out, 0);
  const size_t type_at = out.size();
  out += "IEND";
  append_chunk_crc(out, type_at);
}

// ---- The general path: libdeflate at level 1, no row filter ----

struct CompressorDeleter {
  void operator()(libdeflate_compressor* compressor) const { libdeflate_free_compressor(compressor); }
};

// The whole PNG, its scanlines deflated by libdeflate at its fastest level
// (faster than zlib's level 1, and smaller). One compressor per thread.
bool write_general(const uint8_t* rgb, int width, int height, std::string& out) {
  thread_local std::unique_ptr<libdeflate_compressor, CompressorDeleter> compressor(libdeflate_alloc_compressor(1));
  if (!compressor) return false;
  const size_t row_bytes = static_cast<size_t>(width) * 3;
  const size_t stride = row_bytes + 1;
  std::vector<uint8_t> scanlines(stride * static_cast<size_t>(height));
  for (size_t y = 0; y < static_cast<size_t>(height); ++y) {
    scanlines[y * stride] = 0;  // filter: none
    std::memcpy(&scanlines[y * stride + 1], rgb + y * row_bytes, row_bytes);
  }
  std::string stream(libdeflate_zlib_compress_bound(compressor.get(), scanlines.size()), '\0');
  const size_t written =
      libdeflate_zlib_compress(compressor.get(), scanlines.data(), scanlines.size(), stream.data(), stream.size());
  if (written == 0) return false;
  append_png_header(out, width, height);
  // A chunk holds less than 2^31 bytes; the zlib stream may span several IDATs.
  constexpr size_t kChunk = size_t{1} << 30;
  for (size_t at = 0; at < written; at += kChunk) {
    const size_t length = std::min(kChunk, written - at);
    append_big_endian(out, static_cast<uint32_t>(length));
    const size_t type_at = out.size();
    out += "IDAT";
    out.append(stream, at, length);
    append_chunk_crc(out, type_at);
  }
  append_png_end(out);
  return true;
}

// The whole PNG through deflate_repeats; false when that declines.
bool write_with_repeats(const uint8_t* rgb, int width, int height, bool decline, std::string& out) {
  const size_t stride = static_cast<size_t>(width) * 3 + 1;
  if (stride > 32768) return false;  // the row above is out of deflate's reach
  append_png_header(out, width, height);

  const size_t length_at = out.size();
  append_big_endian(out, 0);  // the IDAT length, known at the end
  const size_t type_at = out.size();
  out += "IDAT";
  out.append("\x78\x01", 2);  // zlib: deflate, 32 KB window, fastest (0x7801 % 31 == 0)
  BitWriter bits(out);
  uint32_t adler = 1;
  if (!deflate_repeats(rgb, width, height, decline, bits, adler)) return false;
  append_big_endian(out, adler);
  const size_t data_length = out.size() - type_at - 4;
  if (data_length > 0x7fffffffu) return false;  // beyond one chunk
  for (int i = 0; i < 4; ++i) out[length_at + i] = static_cast<char>(data_length >> (24 - 8 * i));
  append_chunk_crc(out, type_at);
  append_png_end(out);
  return true;
}

}  // namespace

std::string encode_rgb_png(const uint8_t* rgb, int width, int height, PngCompression compression) {
  if (width <= 0 || height <= 0) return {};
  std::string out;
  if (compression != PngCompression::kGeneral) {
    out.reserve(static_cast<size_t>(width) * height / 4);
    const bool decline = compression == PngCompression::kAuto;
    if (write_with_repeats(rgb, width, height, decline, out)) return out;
    if (compression == PngCompression::kRepeats) return {};
    out.clear();
  }
  if (!write_general(rgb, width, height, out)) return {};
  return out;
}

}  // namespace actscope
