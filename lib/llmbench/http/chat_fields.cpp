#include "llmbench/http/chat_fields.hpp"

#include <array>
#include <nlohmann/json.hpp>

namespace llmbench::http::detail {
namespace {

using nlohmann::json;

// What the next value is, from the key or the array it belongs to.
enum class Slot : std::uint8_t {
  none,           // not read: skipped, containers and all
  root,           // the whole body
  choices,        // root.choices
  choice,         // a read element of choices (response: [0]; chunk: each)
  index,          // choice.index (chunk)
  message,        // choice.message (response) or choice.delta (chunk)
  finish_reason,  // choice.finish_reason
  text,           // message.content, .reasoning_content or .reasoning: pending_text_
  part,           // an element of such a field given as an array of parts
  part_text,      // part.text
  usage,          // root.usage
  count,          // usage.prompt_tokens, .completion_tokens or .total_tokens: pending_count_
  error,          // root.error
};

// The read containers open around the next value; skipped ones are only counted.
enum class Role : std::uint8_t { root, choices, choice, message, text_array, part, usage };

struct Frame {
  Role role = Role::root;
  std::string* text = nullptr;  // text_array: where its parts' text goes
  std::size_t elements = 0;     // arrays: elements begun so far
};

// nlohmann's SAX interface over a chat body. Every read field is reset when its key comes
// (a repeated key's last value wins, as in a tree) and set only by a value of the type the
// tree functions take.
class ChatSax {
 public:
  ChatSax(ChatShape shape, ChatFields& out) : shape_(shape), out_(out) {}

  // A top-level `error` member that is not null was seen: parsing stopped there.
  bool wants_tree() const { return wants_tree_; }

  // After a complete parse: the response's fields moved out, or why the body is malformed.
  void finish() {
    const bool response = shape_ == ChatShape::response;
    if (!root_object_) {
      out_.result = malformed(response ? "response body is not a JSON object" : "stream event is not valid JSON");
    } else if (response && !choice_object_) {
      out_.result = malformed("response has no choices");
    } else if (response && !message_object_) {
      out_.result = malformed("response choice has no message");
    } else if (response) {
      out_.content = std::move(content_);
      out_.reasoning = std::move(reasoning_content_);
      out_.reasoning += reasoning_;
      out_.finish_reason = std::move(finish_);
    }
  }

  bool null() {
    scalar();  // a null error is no error
    return true;
  }
  bool boolean(bool /*value*/) { return scalar() == Slot::error ? stop() : true; }
  bool number_integer(json::number_integer_t value) { return integer(static_cast<std::int64_t>(value)); }
  bool number_unsigned(json::number_unsigned_t value) {
    // As nlohmann's get<int>() / get<std::int64_t>() convert an unsigned number.
    const Slot slot = scalar();
    if (slot == Slot::index) index_skip_ = static_cast<int>(value) != 0;
    if (slot == Slot::count) *pending_count_ = static_cast<std::int64_t>(value);
    return slot == Slot::error ? stop() : true;
  }
  bool number_float(json::number_float_t value, const json::string_t& /*text*/) {
    const Slot slot = scalar();
    if (slot == Slot::count) *pending_count_ = usage_count(value);
    return slot == Slot::error ? stop() : true;
  }
  bool string(json::string_t& value) {
    switch (scalar()) {
      case Slot::finish_reason: finish_ = value; break;
      case Slot::text: *pending_text_ = value; break;
      case Slot::part_text: part_text_ = value; break;
      case Slot::error: return stop();
      default: break;
    }
    return true;
  }
  bool binary(json::binary_t& /*value*/) { return scalar() == Slot::error ? stop() : true; }

  bool start_object(std::size_t /*elements*/) {
    switch (open()) {
      case Slot::none: break;
      case Slot::root: root_object_ = true; return push(Role::root);
      case Slot::choice:
        if (shape_ == ChatShape::response) choice_object_ = true;
        reset_choice();
        return push(Role::choice);
      case Slot::message: message_object_ = true; return push(Role::message);
      case Slot::part: part_text_.reset(); return push(Role::part);
      case Slot::usage: return push(Role::usage);
      case Slot::error: return stop();
      default: skip_depth_ = 1; break;
    }
    return true;
  }
  bool start_array(std::size_t /*elements*/) {
    switch (open()) {
      case Slot::none: break;
      case Slot::choices: return push(Role::choices);
      case Slot::text: return push(Role::text_array, pending_text_);
      case Slot::error: return stop();
      default: skip_depth_ = 1; break;
    }
    return true;
  }
  bool end_object() {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    const Frame frame = frames_[--depth_];
    if (frame.role == Role::part && part_text_) *frames_[depth_ - 1].text += *part_text_;
    if (frame.role == Role::choice && shape_ == ChatShape::chunk) end_chunk_choice();
    return true;
  }
  bool end_array() {
    if (skip_depth_ > 0) --skip_depth_;
    else --depth_;
    return true;
  }
  bool key(json::string_t& name) {
    if (skip_depth_ == 0) pending_ = slot_of(name);
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const json::exception& /*error*/) {
    return false;
  }

 private:
  static ParseResult malformed(std::string message) {
    return ParseResult{ParseStatus::malformed, std::move(message), 0};
  }

  bool stop() {
    wants_tree_ = true;
    return false;
  }

  bool push(Role role, std::string* text = nullptr) {
    frames_[depth_++] = Frame{role, text, 0};
    return true;
  }

  // The slot of the value that begins now, inside the innermost read container.
  Slot next_slot() {
    if (depth_ == 0) return Slot::root;
    Frame& frame = frames_[depth_ - 1];
    if (frame.role == Role::choices) {
      ++frame.elements;
      return shape_ == ChatShape::chunk || frame.elements == 1 ? Slot::choice : Slot::none;
    }
    if (frame.role == Role::text_array) return Slot::part;
    const Slot slot = pending_;
    pending_ = Slot::none;
    return slot;
  }

  Slot scalar() { return skip_depth_ > 0 ? Slot::none : next_slot(); }

  // A container begins: none when it is inside a skipped one (now one deeper).
  Slot open() {
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return Slot::none;
    }
    const Slot slot = next_slot();
    return slot == Slot::none ? (skip_depth_ = 1, Slot::none) : slot;
  }

  // The slot a key's value fills; resets what that value replaces.
  Slot slot_of(const std::string& name) {
    switch (frames_[depth_ - 1].role) {
      case Role::root:
        if (name == "choices") {
          reset_choice();
          choice_object_ = false;
          out_.content.clear();
          out_.reasoning.clear();
          out_.finish_reason.reset();
          return Slot::choices;
        }
        if (name == "usage") {
          out_.prompt_tokens.reset();
          out_.completion_tokens.reset();
          out_.total_tokens.reset();
          return Slot::usage;
        }
        return name == "error" ? Slot::error : Slot::none;
      case Role::choice:
        if (name == (shape_ == ChatShape::response ? "message" : "delta")) {
          reset_message();
          return Slot::message;
        }
        if (name == "finish_reason") {
          finish_.reset();
          return Slot::finish_reason;
        }
        if (name == "index" && shape_ == ChatShape::chunk) {
          index_skip_ = false;
          return Slot::index;
        }
        return Slot::none;
      case Role::message:
        pending_text_ = name == "content"             ? &content_
                        : name == "reasoning_content" ? &reasoning_content_
                        : name == "reasoning"         ? &reasoning_
                                                      : nullptr;
        if (pending_text_ == nullptr) return Slot::none;
        pending_text_->clear();
        return Slot::text;
      case Role::part:
        if (name != "text") return Slot::none;
        part_text_.reset();
        return Slot::part_text;
      case Role::usage:
        pending_count_ = name == "prompt_tokens"       ? &out_.prompt_tokens
                         : name == "completion_tokens" ? &out_.completion_tokens
                         : name == "total_tokens"      ? &out_.total_tokens
                                                       : nullptr;
        if (pending_count_ == nullptr) return Slot::none;
        pending_count_->reset();
        return Slot::count;
      default: return Slot::none;
    }
  }

  bool integer(std::int64_t value) {
    const Slot slot = scalar();
    if (slot == Slot::index) index_skip_ = static_cast<int>(value) != 0;
    if (slot == Slot::count) *pending_count_ = value;
    return slot == Slot::error ? stop() : true;
  }

  void reset_message() {
    message_object_ = false;
    content_.clear();
    reasoning_content_.clear();
    reasoning_.clear();
  }

  void reset_choice() {
    reset_message();
    finish_.reset();
    index_skip_ = false;
  }

  // A stream choice read to its end: its text goes out unless its index is not 0.
  void end_chunk_choice() {
    if (index_skip_) return;
    out_.content += content_;
    out_.reasoning += reasoning_content_;
    out_.reasoning += reasoning_;
    if (finish_) out_.finish_reason = std::move(finish_);
  }

  ChatShape shape_;
  ChatFields& out_;
  std::array<Frame, 6> frames_{};  // root, choices, choice, message, text_array, part at most
  std::size_t depth_ = 0;
  std::size_t skip_depth_ = 0;  // > 0: inside a skipped container, this many deep
  Slot pending_ = Slot::none;
  std::string* pending_text_ = nullptr;
  std::optional<std::int64_t>* pending_count_ = nullptr;
  bool wants_tree_ = false;
  bool root_object_ = false;
  bool choice_object_ = false;   // response: the last choices' first element is an object
  bool message_object_ = false;  // the current choice's last message/delta is an object
  bool index_skip_ = false;      // chunk: the current choice's last index is an integer not 0
  std::string content_;
  std::string reasoning_content_;
  std::string reasoning_;
  std::optional<std::string> finish_;
  std::optional<std::string> part_text_;
};

}  // namespace

std::optional<std::int64_t> usage_count(double value) {
  // [-2^63, 2^63): the doubles whose truncation is an int64.
  if (!(value >= -9223372036854775808.0 && value < 9223372036854775808.0)) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

bool read_chat_fields(std::string_view body, ChatShape shape, ChatFields& fields) {
  fields.result = ParseResult{};
  fields.content.clear();
  fields.reasoning.clear();
  fields.finish_reason.reset();
  fields.prompt_tokens.reset();
  fields.completion_tokens.reset();
  fields.total_tokens.reset();
  ChatSax sax(shape, fields);
  const bool parsed = json::sax_parse(body.begin(), body.end(), &sax);
  if (sax.wants_tree()) return false;
  if (!parsed) {
    const char* message = shape == ChatShape::response ? "response body is not valid JSON" : "stream event is not valid JSON";
    fields.result = ParseResult{ParseStatus::malformed, message, 0};
  } else {
    sax.finish();
  }
  return true;
}

}  // namespace llmbench::http::detail
