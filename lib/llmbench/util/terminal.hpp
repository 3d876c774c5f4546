#pragma once
// Making untrusted text (model output, error bodies, header values, dataset text) safe to
// print on a terminal or into a log: no byte of it can move the cursor, retitle or clear the
// window, or truncate the line.

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/formatter.h>

namespace llmbench::util {

enum class Newlines { escape, keep };

// `text` with every control character escaped as visible text: C0 controls and DEL as
// "\x1b", "\x00", "\x7f" (newline as "\n", tab as "\t" unless `newlines` is keep, which keeps
// '\n' and '\t' as they are), C1 controls (U+0080..U+009F) as "\u009b"; invalid UTF-8 bytes
// become U+FFFD. Printable text, including all valid non-control UTF-8, is unchanged.
std::string terminal_safe(std::string_view text, Newlines newlines = Newlines::escape);

// Columns of the terminal `out` writes to (ioctl TIOCGWINSZ), else $COLUMNS, else 80.
std::size_t terminal_columns(std::FILE* out);

// A spdlog formatter with `pattern` that passes each message through terminal_safe (keeping
// newlines), so no log line carries raw control bytes whatever it quotes.
std::unique_ptr<spdlog::formatter> terminal_safe_formatter(const std::string& pattern);

// True when `stream` may carry colour: it is a terminal, NO_COLOR is unset (any value, even
// empty, turns colour off: no-color.org) and TERM is not "dumb".
bool colour_enabled(std::FILE* stream);

enum class Colour { red, green, yellow, cyan };

// `text` wrapped in the colour's SGR codes when `on`, else `text` unchanged.
std::string paint(std::string_view text, Colour colour, bool on);

}  // namespace llmbench::util
