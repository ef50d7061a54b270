// samples.json next to loose images: any text gives a (possibly empty) map
// of file names to classes, never an exception.
#include "core/data/samples_file.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  actscope::fuzz::write_scratch("samples.json", data, size);
  actscope::read_samples_file(actscope::fuzz::scratch_dir());
  return 0;
}
