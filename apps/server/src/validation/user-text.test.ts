import { describe, expect, it } from "vitest";
import { findRefusedCharacter, userText } from "./user-text.ts";

describe("findRefusedCharacter", () => {
  it.each([
    ["plain text", "Ada Lovelace"],
    ["accents, CJK and astral letters", "Zoë 東京 𝒜"],
    ["an emoji with a variation selector", "I \u2764\uFE0F tea"],
    ["a keycap", "1\uFE0F\u20E3"],
    ["a ZWJ emoji sequence", "👩\u200D💻"],
    ["a ZWJ sequence after a skin tone", "👨🏽\u200D💻"],
    ["a ZWJ sequence after a variation selector", "🏳\uFE0F\u200D🌈"],
    ["a subdivision flag (tag characters)", "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"],
    ["Persian with a zero-width non-joiner", "می\u200Cخواهم"],
    ["Devanagari with a joiner after the virama", "क्\u200Dष"],
  ])("accepts %s", (_case, text) => {
    expect(findRefusedCharacter(text, { multiline: false })).toBeUndefined();
  });

  it.each([
    ["NUL", "a\u0000b", "\u0000"],
    ["DEL", "a\u007Fb", "\u007F"],
    ["a C1 control", "a\u0085b", "\u0085"],
    ["a tab", "a\tb", "\t"],
    ["a right-to-left override", "a\u202Eb", "\u202E"],
    ["a left-to-right embedding", "a\u202Ab", "\u202A"],
    ["a first-strong isolate", "a\u2068b", "\u2068"],
    ["a left-to-right mark", "a\u200Eb", "\u200E"],
    ["a zero-width space", "a\u200Bb", "\u200B"],
    ["a zero-width joiner between Latin letters", "a\u200Db", "\u200D"],
    ["a zero-width non-joiner between Latin letters", "a\u200Cb", "\u200C"],
    ["a word joiner", "a\u2060b", "\u2060"],
    ["a byte order mark", "a\uFEFFb", "\uFEFF"],
    ["a soft hyphen", "a\u00ADb", "\u00AD"],
    ["a Hangul filler", "\u3164", "\u3164"],
    ["a lone high surrogate", "a\uD800b", "\uD800"],
    ["a lone low surrogate", "a\uDC00b", "\uDC00"],
    ["a noncharacter", "a\uFDD0b", "\uFDD0"],
    ["a line separator", "a\u2028b", "\u2028"],
    ["a variation selector with nothing to style", "\uFE0F", "\uFE0F"],
    ["a run of variation selectors", "a\uFE0F\u{E0100}", "\u{E0100}"],
    ["tag characters outside a flag", "a\u{E0067}\u{E007F}", "\u{E0067}"],
  ])("refuses %s", (_case, text, refused) => {
    expect(findRefusedCharacter(text, { multiline: true })).toBe(refused);
  });

  it("accepts a newline only in multiline text", () => {
    expect(findRefusedCharacter("a\nb", { multiline: true })).toBeUndefined();
    expect(findRefusedCharacter("a\nb", { multiline: false })).toBe("\n");
  });
});

describe("userText", () => {
  const bio = userText({ label: "Bio", max: 5, multiline: true });
  const name = userText({ label: "Name", max: 5, multiline: false });

  it("normalizes to NFC before trimming and counting", () => {
    expect(name.parse("  e\u0301e\u0301e\u0301e\u0301e\u0301  ")).toBe("\u00E9".repeat(5));
  });

  it("stores CRLF line breaks as LF", () => {
    expect(bio.parse("a\r\nb")).toBe("a\nb");
  });

  it("turns blank into null", () => {
    expect(name.parse(" \n ")).toBeNull();
  });

  it.each([
    [name, "a\nb", "Name must be on one line"],
    [bio, "a\u202Eb", "Bio contains an invisible or control character (U+202E): remove it"],
    [bio, "\u{E0100}", "Bio contains an invisible or control character (U+E0100): remove it"],
    [bio, 7, "Bio must be text"],
    [bio, "toolong", "Bio must be at most 5 characters"],
  ])("explains a refusal: %#", (schema, input, message) => {
    expect(schema.safeParse(input).error?.issues.map((issue) => issue.message)).toEqual([message]);
  });
});
