// Templates over a record's fields (a custom task's `prompt:`): rendering, escapes, and
// mistakes rejected with the file and line.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "llmbench/error.hpp"
#include "llmbench/util/field_template.hpp"

using llmbench::util::FieldTemplate;

namespace {

std::string render(const FieldTemplate& t, const std::map<std::string, std::string>& record) {
  return t.render([&](const std::string& field) { return record.at(field); });
}

}  // namespace

TEST_CASE("field template: a template over several fields renders each in place", "[util][field_template]") {
  const FieldTemplate t = FieldTemplate::parse("{context}\n\nQuestion: {question}\n({context})", "t.yaml", 3);
  CHECK(t.fields() == std::vector<std::string>{"context", "question"});
  CHECK(render(t, {{"context", "Paris is in France."}, {"question", "Where is Paris?"}}) ==
        "Paris is in France.\n\nQuestion: Where is Paris?\n(Paris is in France.)");
}

TEST_CASE("field template: doubled braces are literal braces", "[util][field_template]") {
  const FieldTemplate t = FieldTemplate::parse("Reply as {{\"answer\": ...}} to {q}", "t.yaml");
  CHECK(t.fields() == std::vector<std::string>{"q"});
  CHECK(render(t, {{"q", "this"}}) == "Reply as {\"answer\": ...} to this");
}

TEST_CASE("field template: a field value holding {x} stays literal, never expanded again", "[util][field_template]") {
  const FieldTemplate t = FieldTemplate::parse("{a} / {b}", "t.yaml");
  CHECK(render(t, {{"a", "{b} and {{c}}"}, {"b", "B"}}) == "{b} and {{c}} / B");
}

TEST_CASE("field template: a lone brace, an unclosed or empty field names the file and line", "[util][field_template]") {
  CHECK_THROWS_WITH(FieldTemplate::parse("ok\nthen }", "t.yaml", 7),
                    Catch::StartsWith("t.yaml:8: the template has a lone \"}\""));
  CHECK_THROWS_WITH(FieldTemplate::parse("{question\n}", "t.yaml", 2),
                    Catch::StartsWith("t.yaml:2: \"{question\" is not closed"));
  CHECK_THROWS_WITH(FieldTemplate::parse("a {} b", "t.yaml"), Catch::Contains("empty \"{}\""));
  CHECK_THROWS_AS(FieldTemplate::parse("{a{b}", "t.yaml"), llmbench::InputError);
}
