#include "llmbench/util/yaml.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "llmbench/error.hpp"

namespace llmbench::util {

namespace {

// Walks the parser's events without building nodes: counts the expanded size (an alias adds the
// size of what it names), the nesting depth, refuses an alias to a node still open (a cycle),
// and remembers each mapping's scalar keys to refuse a repeated one.
class Guard : public YAML::EventHandler {
 public:
  explicit Guard(const std::string& path) : path_(path) {}

  void OnDocumentStart(const YAML::Mark&) override {
    anchors_.clear();
    frames_.clear();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, nullptr); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    leaf(mark, anchor, &value);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    child(mark, nullptr);
    auto it = anchors_.find(anchor);
    if (it == anchors_.end() || it->second.open) {
      throw InputError(path_, line(mark),
                       "this alias refers to the node that contains it (a recursive alias); "
                       "write the value out instead of *referring to it");
    }
    add(mark, it->second.size);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Anchor {
    bool open = true;
    std::size_t size = 0;
  };
  struct Frame {
    bool is_map = false;
    bool expect_key = true;
    YAML::anchor_t anchor = 0;
    std::size_t start = 0;  // nodes_ when the collection opened
    std::map<std::string, int> keys;  // key -> 1-based line
  };

  static int line(const YAML::Mark& mark) { return mark.line >= 0 ? mark.line + 1 : 0; }

  // A new node begins under the innermost collection: when it is a mapping key, check it.
  void child(const YAML::Mark& mark, const std::string* scalar) {
    if (frames_.empty() || !frames_.back().is_map) return;
    Frame& f = frames_.back();
    const bool is_key = f.expect_key;
    f.expect_key = !f.expect_key;
    if (!is_key || scalar == nullptr) return;
    auto [it, inserted] = f.keys.emplace(*scalar, line(mark));
    if (!inserted) {
      throw InputError(path_, line(mark),
                       fmt::format("key \"{}\" is given twice in one mapping (first on line {}); "
                                   "keep one of them",
                                   *scalar, it->second));
    }
  }

  void add(const YAML::Mark& mark, std::size_t n) {
    if (n > kYamlMaxNodes || nodes_ + n > kYamlMaxNodes) {
      throw InputError(path_, line(mark),
                       fmt::format("this YAML expands to more than {} nodes (each use of an alias "
                                   "counts what it refers to); remove the nested aliases",
                                   kYamlMaxNodes));
    }
    nodes_ += n;
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string* scalar) {
    // A null key (`? ` or `: x`) is not a name that could repeat; treat it as a non-scalar.
    child(mark, scalar);
    add(mark, 1);
    if (anchor != 0) anchors_[anchor] = Anchor{false, 1};
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    child(mark, nullptr);
    if (static_cast<int>(frames_.size()) >= kYamlMaxDepth) {
      throw InputError(path_, line(mark),
                       fmt::format("lists and mappings are nested more than {} deep; flatten them",
                                   kYamlMaxDepth));
    }
    const std::size_t start = nodes_;
    add(mark, 1);
    if (anchor != 0) anchors_[anchor] = Anchor{true, 0};
    Frame f;
    f.is_map = is_map;
    f.anchor = anchor;
    f.start = start;
    frames_.push_back(std::move(f));
  }

  void close() {
    if (frames_.empty()) return;
    const Frame& f = frames_.back();
    if (f.anchor != 0) anchors_[f.anchor] = Anchor{false, nodes_ - f.start};
    frames_.pop_back();
  }

  const std::string& path_;
  std::size_t nodes_ = 0;
  std::unordered_map<YAML::anchor_t, Anchor> anchors_;
  std::vector<Frame> frames_;
};

int mark_line(const YAML::Mark& mark) { return mark.is_null() || mark.line < 0 ? 0 : mark.line + 1; }

}  // namespace

YAML::Node load_yaml(const std::string& text, const std::string& path) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    Guard guard(path);
    while (parser.HandleNextDocument(guard)) {
    }
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(path, mark_line(e.mark),
                     "malformed YAML: " + e.msg + "; check indentation, colons and quoting");
  }
}

YAML::Node load_yaml_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw YAML::BadFile(path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw YAML::BadFile(path);
  return load_yaml(text.str(), path);
}

int yaml_line(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

std::string yaml_key(const YAML::Node& key, const std::string& path) {
  if (!key.IsScalar()) {
    throw InputError(path, yaml_line(key),
                     "a key must be a plain name, not a list or mapping; check for a stray ? or [");
  }
  return key.as<std::string>();
}

}  // namespace llmbench::util
