// The layer tree alone: a plain list of layers shown as the module hierarchy,
// the search box, and the layers it reports chosen and activated.
#include "ui/panes/layer_tree.h"

#include <gtest/gtest.h>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include "tests/support/pane_support.h"
#include "tests/support/window_support.h"

namespace actscope {
namespace {

LayerInfo layer(const std::string& name, const std::string& kind, const std::string& parent, bool is_module,
                std::vector<int64_t> shape) {
  LayerInfo info;
  info.name = name;
  info.kind = kind;
  info.parent = parent;
  info.is_module = is_module;
  info.shape = std::move(shape);
  info.capturable = true;
  return info;
}

// block (conv, :relu); outer.inner (a container without output) holding fc;
// head, which cannot be captured.
std::vector<LayerInfo> nested_layers() {
  LayerInfo head = layer("head", "Identity", "", true, {});
  head.capturable = false;
  head.not_capturable_reason = "output is a tuple";
  return {layer("block.conv", "Conv2d", "block", true, {1, 8, 4, 4}),
          layer("block:relu", "relu", "block", false, {1, 8, 4, 4}),
          layer("block", "Sequential", "", true, {1, 8, 4, 4}),
          layer("outer.inner.fc", "Linear", "outer.inner", true, {1, 10}), head};
}

class LayerTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pane_.set_layers(nested_layers());
    tree_ = test::named<QTreeWidget>(pane_, "layerTree");
    search_ = test::named<QLineEdit>(pane_, "layerSearch");
    ASSERT_TRUE(tree_ && search_);
  }

  // The item shown as `text` in the Layer column, anywhere in the tree.
  QTreeWidgetItem* item(const QString& text) const {
    return tree_->findItems(text, Qt::MatchExactly | Qt::MatchRecursive, 0).value(0);
  }

  void click(const QString& text) {
    pane_.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&pane_));
    QTreeWidgetItem* clicked = item(text);
    ASSERT_NE(clicked, nullptr) << text.toStdString();
    QTest::mouseClick(tree_->viewport(), Qt::LeftButton, {}, tree_->visualItemRect(clicked).center());
  }

  LayerTree pane_;
  QTreeWidget* tree_ = nullptr;
  QLineEdit* search_ = nullptr;
};

TEST_F(LayerTreeTest, LayersSitUnderTheirModuleWithKindShapeAndFullNameAsTooltip) {
  ASSERT_EQ(tree_->topLevelItemCount(), 3);
  QTreeWidgetItem* block = tree_->topLevelItem(0);
  EXPECT_EQ(block->text(0), QStringLiteral("block"));
  EXPECT_EQ(block->text(1), QStringLiteral("Sequential"));
  ASSERT_EQ(block->childCount(), 2);
  QTreeWidgetItem* conv = block->child(0);
  EXPECT_EQ(conv->text(0), QStringLiteral("conv"));
  EXPECT_EQ(conv->text(1), QStringLiteral("Conv2d"));
  EXPECT_EQ(conv->text(2), QStringLiteral("1x8x4x4"));
  EXPECT_EQ(conv->toolTip(0), QStringLiteral("block.conv"));
  EXPECT_EQ(block->child(1)->text(0), QStringLiteral(":relu"));
  EXPECT_EQ(block->child(1)->toolTip(2), QStringLiteral("block:relu"));
  QTreeWidgetItem* outer = tree_->topLevelItem(1);
  EXPECT_EQ(outer->text(0), QStringLiteral("outer"));
  ASSERT_EQ(outer->childCount(), 1);
  EXPECT_EQ(outer->child(0)->text(0), QStringLiteral("inner"));
  EXPECT_EQ(outer->child(0)->child(0)->toolTip(0), QStringLiteral("outer.inner.fc"));
}

TEST_F(LayerTreeTest, UncapturableLayerIsGreyWithTheReasonAsTooltip) {
  QTreeWidgetItem* head = item(QStringLiteral("head"));
  ASSERT_NE(head, nullptr);
  for (int column = 0; column < 3; ++column)
    EXPECT_EQ(head->toolTip(column), QStringLiteral("not capturable: output is a tuple")) << column;
  EXPECT_NE(head->foreground(0).color(), item(QStringLiteral("conv"))->foreground(0).color());
  EXPECT_EQ(head->foreground(0).color(), head->foreground(2).color());
}

TEST_F(LayerTreeTest, SearchHidesLayersWhoseNameDoesNotMatch) {
  search_->setText(QStringLiteral("relu"));
  EXPECT_FALSE(item(QStringLiteral(":relu"))->isHidden());
  EXPECT_FALSE(item(QStringLiteral("block"))->isHidden());  // keeps its match in place
  EXPECT_TRUE(item(QStringLiteral("conv"))->isHidden());
  EXPECT_TRUE(item(QStringLiteral("outer"))->isHidden());
  EXPECT_TRUE(item(QStringLiteral("head"))->isHidden());

  search_->clear();
  for (const char* text : {"block", "conv", ":relu", "outer", "inner", "fc", "head"})
    EXPECT_FALSE(item(QString::fromLatin1(text))->isHidden()) << text;
}

TEST_F(LayerTreeTest, SearchMatchesTheKindIgnoringCaseAndOpensTheWayToIt) {
  item(QStringLiteral("inner"))->setExpanded(false);
  search_->setText(QStringLiteral("LINEAR"));
  EXPECT_FALSE(item(QStringLiteral("fc"))->isHidden());
  EXPECT_TRUE(item(QStringLiteral("inner"))->isExpanded());
  EXPECT_TRUE(item(QStringLiteral("block"))->isHidden());
}

TEST_F(LayerTreeTest, ClickingALayerEmitsLayerChosenWithItsFullName) {
  QSignalSpy chosen(&pane_, &LayerTree::layerChosen);
  click(QStringLiteral("conv"));
  ASSERT_EQ(chosen.size(), 1);
  EXPECT_EQ(chosen.takeFirst().at(0).toString(), QStringLiteral("block.conv"));
}

TEST_F(LayerTreeTest, ClickingAContainerWithoutOutputChoosesNothing) {
  QSignalSpy chosen(&pane_, &LayerTree::layerChosen);
  click(QStringLiteral("outer"));
  EXPECT_EQ(chosen.size(), 0);
  click(QStringLiteral("block"));  // a container with an output of its own is a layer
  ASSERT_EQ(chosen.size(), 1);
  EXPECT_EQ(chosen.takeFirst().at(0).toString(), QStringLiteral("block"));
}

TEST_F(LayerTreeTest, EnterOnALayerActivatesIt) {
  click(QStringLiteral(":relu"));
  QSignalSpy activated(&pane_, &LayerTree::layerActivated);
  QTest::keyClick(tree_, Qt::Key_Return);
  ASSERT_EQ(activated.size(), 1);
  EXPECT_EQ(activated.takeFirst().at(0).toString(), QStringLiteral("block:relu"));
}

TEST_F(LayerTreeTest, SetCurrentMarksTheLayerWithoutEmittingLayerChosen) {
  QSignalSpy chosen(&pane_, &LayerTree::layerChosen);
  pane_.set_current(QStringLiteral("block:relu"));
  ASSERT_NE(tree_->currentItem(), nullptr);
  EXPECT_EQ(tree_->currentItem()->toolTip(0), QStringLiteral("block:relu"));
  pane_.set_current(QStringLiteral("no such layer"));
  EXPECT_EQ(tree_->currentItem()->toolTip(0), QStringLiteral("block:relu"));
  EXPECT_EQ(chosen.size(), 0);
}

TEST_F(LayerTreeTest, NewLayersReplaceTheOldModelsEntirely) {
  pane_.set_current(QStringLiteral("block.conv"));
  pane_.set_layers({layer("features.0", "Conv2d", "features", true, {1, 4, 2, 2})});
  ASSERT_EQ(tree_->topLevelItemCount(), 1);
  EXPECT_EQ(tree_->topLevelItem(0)->text(0), QStringLiteral("features"));
  EXPECT_EQ(item(QStringLiteral("conv")), nullptr);
  pane_.set_current(QStringLiteral("block.conv"));  // the old model's layer is gone
  EXPECT_EQ(tree_->currentItem(), nullptr);
  pane_.set_current(QStringLiteral("features.0"));
  ASSERT_NE(tree_->currentItem(), nullptr);
  EXPECT_EQ(tree_->currentItem()->text(2), QStringLiteral("1x4x2x2"));
}

// A regression: the layers of a newly opened model were all shown while the
// search box still held the user's text.
TEST_F(LayerTreeTest, NewLayersAreFilteredByTheSearchStillTyped) {
  search_->setText(QStringLiteral("fc"));
  pane_.set_layers(nested_layers());
  EXPECT_EQ(search_->text(), QStringLiteral("fc"));
  EXPECT_FALSE(item(QStringLiteral("fc"))->isHidden());
  EXPECT_TRUE(item(QStringLiteral("conv"))->isHidden());
  EXPECT_TRUE(item(QStringLiteral("head"))->isHidden());
}

}  // namespace
}  // namespace actscope
