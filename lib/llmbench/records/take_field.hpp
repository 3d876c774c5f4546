#pragma once
// Reading a typed record out of a JSON line (BattleRecord, VoteRecord): each take moves the field
// `name` of `in` into `to` when it has the type of `to`, and leaves it in `in` otherwise, so what
// is left of `in` is the record's extra fields, written back as they were.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace llmbench::records::detail {

inline void take(nlohmann::json& in, const char* name, std::string& to) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_string()) return;
  to = it->get<std::string>();
  in.erase(it);
}

inline void take(nlohmann::json& in, const char* name, bool& to) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_boolean()) return;
  to = it->get<bool>();
  in.erase(it);
}

inline void take(nlohmann::json& in, const char* name, std::uint64_t& to) {  // a non-negative integer
  auto it = in.find(name);
  if (it == in.end() || !it->is_number_unsigned()) return;
  to = it->get<std::uint64_t>();
  in.erase(it);
}

inline void take(nlohmann::json& in, const char* name, std::optional<std::string>& to) {  // null or a string
  auto it = in.find(name);
  if (it == in.end() || !(it->is_null() || it->is_string())) return;
  if (it->is_string()) to = it->get<std::string>();
  in.erase(it);
}

inline void take(nlohmann::json& in, const char* name, std::optional<double>& to) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_number_float()) return;
  to = it->get<double>();
  in.erase(it);
}

inline void take(nlohmann::json& in, const char* name, std::array<std::string, 2>& to) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_string() || !(*it)[1].is_string()) return;
  to = {(*it)[0].get<std::string>(), (*it)[1].get<std::string>()};
  in.erase(it);
}

}  // namespace llmbench::records::detail
