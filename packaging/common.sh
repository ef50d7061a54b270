# Shared by run.sh and test.sh: install missing Debian packages and build.
# Sourced, not run; expects ROOT to be the repository root.

# What building the programs needs.
BUILD_PACKAGES=(cmake make g++ pkg-config ccache zlib1g-dev libdeflate-dev libssl-dev libtorch-dev qt6-base-dev
  libopencv-dev nlohmann-json3-dev libcli11-dev libeigen3-dev help2man)
# What the tests and benchmarks need on top: reference numbers come from
# Debian's python3-torch (the embedding's from python3-sklearn), the accuracy check reads the Fashion-MNIST package.
TEST_PACKAGES=(libgtest-dev libbenchmark-dev python3-torch python3-torchvision python3-numpy python3-sklearn python3-scipy
  dataset-fashion-mnist xvfb xauth universal-ctags valgrind time
  help2man dpkg-dev desktop-file-utils appstream man-db lintian)
# What the fuzz harnesses need on top (packaging/fuzz.sh): clang and its
# libFuzzer and sanitizer runtimes.
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev)
# What making the .deb needs on top of building (help2man writes the man
# pages; dpkg-shlibdeps, from dpkg-dev, the dependencies; lintian checks it).
PACKAGE_PACKAGES=(help2man dpkg-dev lintian)

# Installs those of the given packages that are not installed yet.
install_missing() {
  local missing=() package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# Configures and builds Release into build/; extra arguments go to cmake.
build_release() {
  cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$ROOT/build" -j"$(nproc)"
}
