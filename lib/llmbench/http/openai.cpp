#include "llmbench/http/openai.hpp"

#include <algorithm>
#include <utility>

#include "llmbench/http/chat_fields.hpp"
#include "llmbench/util/json_text.hpp"

namespace llmbench::http {
namespace {

using nlohmann::json;

constexpr std::string_view kThinkOpen = "<think>";
constexpr std::string_view kThinkClose = "</think>";

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

void append_reasoning(std::string& reasoning, std::string_view part) {
  part = trim(part);
  if (part.empty()) return;
  if (!reasoning.empty()) reasoning.push_back('\n');
  reasoning.append(part);
}

// Text of a content field: a string, or an array of {type: "text", text: ...} parts.
void append_text(const json& value, std::string& out) {
  if (value.is_string()) {
    out += value.get_ref<const std::string&>();
  } else if (value.is_array()) {
    for (const auto& part : value) {
      if (part.is_object()) {
        const auto text = part.find("text");
        if (text != part.end() && text->is_string()) out += text->get_ref<const std::string&>();
      }
    }
  }
}

// reasoning_content (DeepSeek, vLLM) or reasoning (OpenRouter, Ollama) of a message/delta.
void append_reasoning_fields(const json& object, std::string& out) {
  for (const char* key : {"reasoning_content", "reasoning"}) {
    const auto it = object.find(key);
    if (it != object.end()) append_text(*it, out);
  }
}

void read_usage(const json& root, Usage& usage) {
  const auto it = root.find("usage");
  if (it == root.end() || !it->is_object()) return;
  const auto get = [&](const char* key, std::int64_t& out) {
    const auto field = it->find(key);
    if (field == it->end() || !field->is_number()) return;
    if (!field->is_number_float()) {
      out = field->get<std::int64_t>();
    } else if (const auto count = detail::usage_count(field->get<double>())) {
      out = *count;
    }
  };
  get("prompt_tokens", usage.prompt_tokens);
  get("completion_tokens", usage.completion_tokens);
  get("total_tokens", usage.total_tokens);
}

void apply_usage(const detail::ChatFields& fields, Usage& usage) {
  if (fields.prompt_tokens) usage.prompt_tokens = *fields.prompt_tokens;
  if (fields.completion_tokens) usage.completion_tokens = *fields.completion_tokens;
  if (fields.total_tokens) usage.total_tokens = *fields.total_tokens;
}

// Fills `result` from a JSON `error` member; returns false when there is none. Besides
// OpenAI's {"error": {"message", "code"}}, servers built on web frameworks answer
// {"error": "SyntaxError", "message": "...", "status": 500} (express, mock-llm): both texts kept.
bool read_error(const json& root, ParseResult& result) {
  if (!root.is_object()) return false;
  const auto it = root.find("error");
  if (it == root.end() || it->is_null()) return false;
  result.status = ParseStatus::api_error;
  if (it->is_string()) {
    // {"error": "X", "message": "Y"} (servers that are not OpenAI's): keep both, "X: Y".
    result.message = it->get<std::string>();
    const auto message = root.find("message");
    if (message != root.end() && message->is_string() && !message->get_ref<const std::string&>().empty()) {
      result.message += (result.message.empty() ? "" : ": ") + message->get<std::string>();
    }
    for (const char* key : {"code", "status"}) {
      const auto code = root.find(key);
      if (code != root.end() && code->is_number_integer()) result.error_code = code->get<int>();
    }
  } else if (it->is_object()) {
    const auto message = it->find("message");
    result.message = message != it->end() && message->is_string() ? message->get<std::string>()
                                                                   : it->dump();
    for (const char* key : {"code", "status"}) {
      const auto code = it->find(key);
      if (code != it->end() && code->is_number_integer()) result.error_code = code->get<int>();
    }
  } else {
    result.message = it->dump();
  }
  if (result.message.size() > 200) result.message.resize(200);
  return true;
}

ParseResult malformed(std::string message) {
  return ParseResult{ParseStatus::malformed, std::move(message), 0};
}

ParseResult parse_chat(const json& root, RequestRecord& record) {
  const auto choices = root.find("choices");
  if (choices == root.end() || !choices->is_array() || choices->empty() ||
      !choices->front().is_object()) {
    return malformed("response has no choices");
  }
  const json& choice = choices->front();
  const auto message = choice.find("message");
  if (message == choice.end() || !message->is_object()) {
    return malformed("response choice has no message");
  }
  std::string raw;
  const auto content = message->find("content");
  if (content != message->end()) append_text(*content, raw);
  record.content.clear();
  record.reasoning.clear();
  append_reasoning_fields(*message, record.reasoning);
  split_think(raw, record.content, record.reasoning);
  const auto finish = choice.find("finish_reason");
  record.finish_reason = finish != choice.end() && finish->is_string() ? finish->get<std::string>() : "";
  read_usage(root, record.usage);
  return {};
}

ParseResult parse_embeddings(const json& root, RequestRecord& record) {
  const auto data = root.find("data");
  if (data == root.end() || !data->is_array()) return malformed("response has no data array");
  std::vector<std::pair<std::int64_t, std::vector<float>>> rows;
  rows.reserve(data->size());
  std::int64_t position = 0;
  for (const auto& item : *data) {
    if (!item.is_object()) return malformed("embedding entry is not an object");
    const auto embedding = item.find("embedding");
    if (embedding == item.end() || !embedding->is_array()) {
      return malformed("embedding entry has no embedding array");
    }
    const auto index = item.find("index");
    std::vector<float> vector;
    vector.reserve(embedding->size());
    for (const auto& value : *embedding) {
      if (!value.is_number()) return malformed("embedding holds a non-number");
      vector.push_back(value.get<float>());
    }
    rows.emplace_back(index != item.end() && index->is_number_integer() ? index->get<std::int64_t>()
                                                                          : position,
                      std::move(vector));
    ++position;
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  record.embeddings.clear();
  record.embeddings.reserve(rows.size());
  for (auto& row : rows) record.embeddings.push_back(std::move(row.second));
  read_usage(root, record.usage);
  return {};
}

ParseResult parse_models(const json& root, RequestRecord& record) {
  const auto data = root.find("data");
  if (data == root.end() || !data->is_array()) return malformed("response has no data array");
  record.model_ids.clear();
  for (const auto& item : *data) {
    const auto id = item.is_object() ? item.find("id") : item.end();
    if (id != item.end() && id->is_string()) record.model_ids.push_back(id->get<std::string>());
  }
  return {};
}

// The fields read_chat_fields gave into `record`, as parse_chat fills it.
ParseResult apply_response(detail::ChatFields& fields, RequestRecord& record) {
  if (fields.result.status != ParseStatus::ok) return std::move(fields.result);
  record.content.clear();
  record.reasoning = std::move(fields.reasoning);
  split_think(fields.content, record.content, record.reasoning);
  record.finish_reason = fields.finish_reason ? std::move(*fields.finish_reason) : std::string();
  apply_usage(fields, record.usage);
  return {};
}

}  // namespace

std::string request_url(const ApiRequest& request) {
  switch (request.kind) {
    case ApiKind::chat: return request.endpoint.base_url + "/chat/completions";
    case ApiKind::embeddings: return request.endpoint.base_url + "/embeddings";
    case ApiKind::models: return request.endpoint.base_url + "/models";
  }
  return request.endpoint.base_url;
}

std::string_view request_method(const ApiRequest& request) {
  return request.kind == ApiKind::models ? "GET" : "POST";
}

std::string request_body(const ApiRequest& request) {
  if (request.kind == ApiKind::models) return {};
  json body = json::object();
  if (request.params.is_object()) body = request.params;
  body["model"] = request.model;
  if (request.kind == ApiKind::embeddings) {
    body["input"] = request.inputs;
    std::string text;
    util::append_json(text, body);
    return text;
  }
  if (request.stream == Stream::yes) {
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
  } else {
    body.erase("stream");
    body.erase("stream_options");
  }
  // The messages are written as text where the object's sorted keys place "messages", not
  // built as a tree: the bytes body.dump(-1, ' ', false, replace) gives with them in it
  // (util/json_text.hpp). This runs once per request.
  body.erase("messages");
  std::size_t bytes = 64 + request.model.size();
  for (const auto& message : request.messages) bytes += message.role.size() + message.content.size() + 32;
  std::string text;
  text.reserve(bytes);
  bool messages_written = false;
  const auto write_messages = [&] {
    text += "\"messages\":[";
    for (std::size_t i = 0; i < request.messages.size(); ++i) {
      text += i > 0 ? ",{\"content\":" : "{\"content\":";
      util::append_json_string(text, request.messages[i].content);
      text += ",\"role\":";
      util::append_json_string(text, request.messages[i].role);
      text += '}';
    }
    text += ']';
    messages_written = true;
  };
  text += '{';
  for (const auto& [key, value] : body.get_ref<const json::object_t&>()) {
    if (!messages_written && key > std::string_view("messages")) {
      write_messages();
      text += ',';
    }
    util::append_json_string(text, key);
    text += ':';
    util::append_json(text, value);
    text += ',';
  }
  if (!messages_written) write_messages();
  else text.pop_back();  // the comma after the last member
  text += '}';
  return text;
}

std::int64_t estimate_tokens(const ApiRequest& request) {
  std::int64_t chars = 0;
  for (const auto& message : request.messages) chars += static_cast<std::int64_t>(message.content.size());
  for (const auto& input : request.inputs) chars += static_cast<std::int64_t>(input.size());
  std::int64_t tokens = (chars + 3) / 4;
  if (request.params.is_object()) {
    for (const char* key : {"max_tokens", "max_completion_tokens"}) {
      const auto it = request.params.find(key);
      if (it != request.params.end() && it->is_number()) {
        tokens += std::max<std::int64_t>(0, it->get<std::int64_t>());
        break;
      }
    }
  }
  return tokens;
}

void split_think(std::string_view raw, std::string& content, std::string& reasoning) {
  std::string answer;
  // A closing tag before any opening tag: the opening one was in the prompt template.
  const std::size_t first_open = raw.find(kThinkOpen);
  const std::size_t first_close = raw.find(kThinkClose);
  if (first_close != std::string_view::npos &&
      (first_open == std::string_view::npos || first_close < first_open)) {
    append_reasoning(reasoning, raw.substr(0, first_close));
    raw.remove_prefix(first_close + kThinkClose.size());
  }
  while (!raw.empty()) {
    const std::size_t open = raw.find(kThinkOpen);
    if (open == std::string_view::npos) {
      answer.append(raw);
      break;
    }
    answer.append(raw.substr(0, open));
    raw.remove_prefix(open + kThinkOpen.size());
    const std::size_t close = raw.find(kThinkClose);
    if (close == std::string_view::npos) {  // unclosed: the rest is reasoning
      append_reasoning(reasoning, raw);
      break;
    }
    append_reasoning(reasoning, raw.substr(0, close));
    raw.remove_prefix(close + kThinkClose.size());
  }
  content.assign(trim(answer));
}

ParseResult parse_response(ApiKind kind, std::string_view body, RequestRecord& record) {
  if (kind == ApiKind::chat) {
    detail::ChatFields fields;
    if (detail::read_chat_fields(body, detail::ChatShape::response, fields)) return apply_response(fields, record);
  }
  return detail::parse_response_tree(kind, body, record);
}

ParseResult detail::parse_response_tree(ApiKind kind, std::string_view body, RequestRecord& record) {
  json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return malformed("response body is not valid JSON");
  ParseResult error;
  if (read_error(root, error)) return error;
  if (!root.is_object()) return malformed("response body is not a JSON object");
  switch (kind) {
    case ApiKind::chat: return parse_chat(root, record);
    case ApiKind::embeddings: return parse_embeddings(root, record);
    case ApiKind::models: return parse_models(root, record);
  }
  return malformed("unknown request kind");
}

ChatStreamAccumulator::Event ChatStreamAccumulator::on_data(std::string_view data, double at_ms) {
  if (trim(data) == "[DONE]") {
    saw_done_ = true;
    return Event::done;
  }
  detail::ChatFields chunk;
  if (!detail::read_chat_fields(data, detail::ChatShape::chunk, chunk)) return on_data_tree(data, at_ms);
  if (chunk.result.status != ParseStatus::ok) {
    error_ = std::move(chunk.result);
    return Event::error;
  }
  apply_usage(chunk, usage_);
  if (chunk.finish_reason) finish_reason_ = std::move(*chunk.finish_reason);
  if (chunk.content.empty() && chunk.reasoning.empty()) return Event::none;
  raw_content_ += chunk.content;
  reasoning_ += chunk.reasoning;
  return mark_token(at_ms);
}

ChatStreamAccumulator::Event ChatStreamAccumulator::on_data_tree(std::string_view data, double at_ms) {
  if (trim(data) == "[DONE]") {
    saw_done_ = true;
    return Event::done;
  }
  json root = json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    error_ = malformed("stream event is not valid JSON");
    return Event::error;
  }
  if (read_error(root, error_)) return Event::error;
  read_usage(root, usage_);
  const auto choices = root.find("choices");
  if (choices == root.end() || !choices->is_array()) return Event::none;
  bool token = false;
  for (const auto& choice : *choices) {
    if (!choice.is_object()) continue;
    const auto index = choice.find("index");
    if (index != choice.end() && index->is_number_integer() && index->get<int>() != 0) continue;
    const auto delta = choice.find("delta");
    if (delta != choice.end() && delta->is_object()) {
      const std::size_t before = raw_content_.size() + reasoning_.size();
      const auto content = delta->find("content");
      if (content != delta->end()) append_text(*content, raw_content_);
      append_reasoning_fields(*delta, reasoning_);
      token = token || raw_content_.size() + reasoning_.size() > before;
    }
    const auto finish = choice.find("finish_reason");
    if (finish != choice.end() && finish->is_string()) finish_reason_ = finish->get<std::string>();
  }
  return token ? mark_token(at_ms) : Event::none;
}

ChatStreamAccumulator::Event ChatStreamAccumulator::mark_token(double at_ms) {
  marks_.push_back({marks_.empty() ? at_ms : std::max(at_ms, marks_.back().at_ms), raw_content_.size()});
  return Event::token;
}

namespace {

// Where the answer begins in streamed content: the first character that is neither
// whitespace nor inside a <think> block (split_think's reading of the same text); npos when
// the content holds no answer.
std::size_t answer_start(std::string_view raw) {
  std::size_t pos = 0;
  const std::size_t first_open = raw.find(kThinkOpen);
  const std::size_t first_close = raw.find(kThinkClose);
  if (first_close != std::string_view::npos && (first_open == std::string_view::npos || first_close < first_open)) {
    pos = first_close + kThinkClose.size();
  }
  while (true) {
    pos = raw.find_first_not_of(" \t\r\n", pos);
    if (pos == std::string_view::npos || raw.substr(pos, kThinkOpen.size()) != kThinkOpen) return pos;
    const std::size_t close = raw.find(kThinkClose, pos + kThinkOpen.size());
    if (close == std::string_view::npos) return std::string_view::npos;
    pos = close + kThinkClose.size();
  }
}

}  // namespace

void ChatStreamAccumulator::finish(RequestRecord& record) {
  Timings& timings = record.timings;
  timings.streamed = true;
  timings.token_ms.clear();
  timings.token_ms.reserve(marks_.size());
  for (const Mark& mark : marks_) timings.token_ms.push_back(mark.at_ms);
  timings.first_token_ms = marks_.empty() ? -1 : marks_.front().at_ms;
  timings.first_answer_ms = -1;
  const std::size_t start = answer_start(raw_content_);
  for (const Mark& mark : marks_) {
    if (start != std::string_view::npos && mark.content_end > start) {
      timings.first_answer_ms = mark.at_ms;
      break;
    }
  }
  record.content.clear();
  record.reasoning = std::move(reasoning_);
  split_think(raw_content_, record.content, record.reasoning);
  record.finish_reason = std::move(finish_reason_);
  record.usage = usage_;
  reset();
}

void ChatStreamAccumulator::reset() {
  raw_content_.clear();
  reasoning_.clear();
  finish_reason_.clear();
  usage_ = Usage{};
  error_ = ParseResult{};
  marks_.clear();
  saw_done_ = false;
}

}  // namespace llmbench::http
