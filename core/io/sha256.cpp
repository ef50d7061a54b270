#include "core/io/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include "core/base/gui_thread.h"

namespace actscope {
namespace {

struct ContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string hex(const unsigned char* digest, unsigned int length) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) return {};
  return hex(digest, length);
}

Result<std::string> sha256_of_file(const std::string& path) {
  if (on_gui_thread()) return Error{path + ": not hashed: files are read on the engine worker, never on the GUI thread"};
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{path + ": cannot read the file"};
  const std::unique_ptr<EVP_MD_CTX, ContextFree> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    return Error{path + ": cannot start a SHA-256 digest"};
  std::vector<char> chunk(1 << 20);
  while (file.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || file.gcount() > 0) {
    EVP_DigestUpdate(context.get(), chunk.data(), static_cast<size_t>(file.gcount()));
  }
  if (file.bad()) return Error{path + ": cannot read the file"};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1) return Error{path + ": cannot finish its SHA-256"};
  return hex(digest, length);
}

}  // namespace actscope
