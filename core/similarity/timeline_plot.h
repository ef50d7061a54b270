// A training run drawn for people (timeline.png, and the desktop program's
// Timeline view): three panels side by side over the checkpoints in order:
// accuracy; the fraction of dead filters of each layer with maps; each
// layer's CKA to the last checkpoint; the checkpoints named under each
// panel, the layers' colours in a legend below.
#pragma once

#include <string>
#include <vector>

#include "core/base/rgb_image.h"
#include "core/similarity/timeline.h"

namespace actscope {

struct TimelinePicture {
  RgbImage image;
  // Where each panel's points of checkpoint i stand: x of checkpoint i
  // (the same in every panel, relative to the panel's left), and each
  // panel's box in the picture.
  struct Box {
    int left = 0, top = 0, width = 0, height = 0;
  };
  std::vector<Box> panels;
  std::vector<int> checkpoint_x;  // relative to a panel's left
};

// The picture, `width` pixels wide (at least 900). Any thread.
TimelinePicture draw_timeline(const Timeline& timeline, const std::string& title, int width = 1260);

// The checkpoint whose points are nearest to (x, y) in the picture, within
// half the distance between checkpoints, inside a panel's box; -1 otherwise.
int checkpoint_at(const TimelinePicture& picture, int x, int y);

// A checkpoint's short name: its file name without ".pt".
std::string checkpoint_name(const std::string& path);

}  // namespace actscope
