import { describe, expect, it } from "vitest";
import { findRefusal, findRefusedCharacter, MAX_MARKS_PER_CHARACTER, userText } from "./user-text.ts";

/** `ascii` spelled in the invisible tag characters U+E0020–E007E. */
const tags = (ascii: string) =>
  Array.from(ascii, (letter) => String.fromCodePoint(0xe0000 + (letter.codePointAt(0) ?? 0))).join("");
/** A black flag, `subdivision` in tag characters, and the cancel tag: a subdivision flag's form. */
const subdivisionFlag = (subdivision: string) => `\u{1F3F4}${tags(subdivision)}\u{E007F}`;

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
    ["a Malayalam chillu written with a joiner, at the end of a word", "അവന\u0D4D\u200D വന\u0D4D\u0D28\u0D41"],
    ["Sinhala Sri, a rakaransaya with a joiner", "\u0DC1\u0DCA\u200D\u0DBB\u0DD3"],
    ["Sinhala touching letters, the joiner before the virama", "\u0D9A\u200D\u0DCA\u0DC0"],
    ["a Kannada arkavattu with a joiner", "\u0CB0\u0CCD\u200D\u0C95"],
    ["a Bengali ya-phala after ra, the joiner before the virama", "\u09B0\u200D\u09CD\u09AF"],
    ["the flag of England", subdivisionFlag("gbeng")],
    ["the flag of Wales", subdivisionFlag("gbwls")],
    ["an ideographic variation sequence", "\u845B\u{E0100}"],
    ["a math symbol's standardized variant", "\u2269\uFE00"],
    ["a Myanmar letter's standardized variant", "\u1000\uFE00"],
    ["a Mongolian free variation selector", "\u1820\u180B"],
    ["a copyright sign in text and in emoji style", "\u00A9\uFE0E \u00A9\uFE0F"],
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
    ["a run of variation selectors", "\u2764\uFE0F\u{E0100}", "\u{E0100}"],
    ["tag characters outside a flag", "a\u{E0067}\u{E007F}", "\u{E0067}"],
  ])("refuses %s", (_case, text, refused) => {
    expect(findRefusedCharacter(text, { multiline: true })).toBe(refused);
  });

  it.each([
    ["hidden ASCII in tag characters after a black flag", `Alice${subdivisionFlag("admin")}`, tags("a")],
    ["a flag of the subdivision form that is not one of the three", subdivisionFlag("usca"), tags("u")],
    ["tag characters without their cancel tag", `\u{1F3F4}${tags("gbsct")}`, tags("g")],
    [
      "an ideographic variation selector after each Latin letter, hiding a byte in each",
      [..."AliceSmith"].map((letter, i) => letter + String.fromCodePoint(0xe0100 + ((i * 37) % 240))).join(""),
      "\u{E0100}",
    ],
    ["emoji style on Latin letters", "A\uFE0Fl\uFE0Fi\uFE0Fc\uFE0Fe\uFE0F", "\uFE0F"],
    ["emoji style on an ideograph", "\u845B\uFE0F", "\uFE0F"],
    ["a standardized variation selector on a Latin letter", "a\uFE00", "\uFE00"],
    ["a Mongolian free variation selector on a Latin letter", "a\u180B", "\u180B"],
    ["two joiners after a Malayalam virama", "\u0D28\u0D4D\u200D\u200D\u0D28", "\u200D"],
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

describe("findRefusal", () => {
  const kalachakraMonogram = "\u0F67\u0FB9\u0FA8\u0FB3\u0FAD\u0FB2\u0FB1\u0F71\u0F7E".normalize("NFC");

  it.each([
    ["Hebrew with points and cantillation", "\u05E9\u05BC\u05C1\u05B8\u05A3\u05BD"],
    ["the Kalachakra monogram, 9 marks in NFC", kalachakraMonogram],
    [`${MAX_MARKS_PER_CHARACTER} marks on one letter`, `a${"\u0301".repeat(MAX_MARKS_PER_CHARACTER)}`],
    ["Vietnamese, decomposed", "Tie\u0302\u0301ng Vie\u0323\u0302t"],
    ["a Japanese name with an ideographic space", "山田\u3000太郎"],
    ["an emoji of this Node's newest Unicode", "\u{1FAE9}"],
  ])("accepts %s in a name", (_case, text) => {
    expect(findRefusal(text, { multiline: false })).toBeUndefined();
  });

  it.each([
    ["a blank braille pattern", "\u2800", "blank-looking"],
    ["a blank braille pattern between words", "ad\u2800min", "blank-looking"],
    ["a null notehead", "\u{1D159}", "blank-looking"],
    ["a Khitan filler", "a\u{16FE4}", "blank-looking"],
    ["a private-use character", "a\uE000", "private-use"],
    ["the Apple logo (private use)", "\uF8FF", "private-use"],
    ["a supplementary private-use character", "\u{10FFFD}", "private-use"],
    ["an unassigned code point", "a\u0378", "unassigned"],
    ["an unassigned astral code point", "\u{2FFFD}", "unassigned"],
    ["one mark too many on one letter", `a${"\u0301".repeat(MAX_MARKS_PER_CHARACTER + 1)}`, "stacked-marks"],
    ["480 marks on one letter", `Zalgo${"\u0336".repeat(480)}`, "stacked-marks"],
    ["a run of marks with no letter", "\u0301".repeat(MAX_MARKS_PER_CHARACTER + 1), "stacked-marks"],
    [
      "accents stacked behind joiners",
      `\u0915${"\u200D\u093F\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301".repeat(7)}`,
      "stacked-marks",
    ],
    ["viramas stacked behind non-joiners", `\u0C95${"\u200C\u0CCD".repeat(30)}`, "stacked-marks"],
    [
      "one mark too many with a joiner among them",
      `\u0915\u094D\u200D\u093F${"\u0301".repeat(MAX_MARKS_PER_CHARACTER - 1)}`,
      "stacked-marks",
    ],
  ])("refuses %s in a name", (_case, text, reason) => {
    expect(findRefusal(text, { multiline: false })?.reason).toBe(reason);
  });

  it("accepts a blank braille pattern in multiline text, where braille art uses it as the blank dot", () => {
    expect(findRefusal("\u2800\u28FF\u2800\n\u28FF\u2800\u28FF", { multiline: true })).toBeUndefined();
  });

  it("walks 100 kB of adversarial text in linear time, whatever the length limit", () => {
    const adversarial = [
      "\u0301".repeat(50_000),
      `\u0628${"\u064E".repeat(50_000)}`,
      `\u0628${"\u064E".repeat(50_000)}\u200C`,
      "\u0628\u200C".repeat(25_000),
      "\u0915\u094D\u200D".repeat(16_000),
      `\u0915${"\u200D\u093F".repeat(25_000)}`,
      "\u0D28\u0D4D\u200D".repeat(16_000),
      "\u845B\u{E0100}".repeat(25_000),
      "\uFE0F".repeat(50_000),
      "a\uFE0F".repeat(25_000),
      "👩\u200D💻".repeat(10_000),
      `\u{1F3F4}${"\u{E0067}".repeat(25_000)}`,
      "\u{1F3F4}\u{E0067}\u{E0062}\u{E007F}".repeat(6_000),
    ];
    for (const text of adversarial) {
      const started = performance.now();
      findRefusal(text, { multiline: true });
      findRefusal(text, { multiline: false });
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});

describe("userText on the new refusals", () => {
  const bio = userText({ label: "Bio", max: 20, multiline: true });
  const name = userText({ label: "Name", max: 5, multiline: false });

  it.each([
    [name, "\u2800", "Name contains a character that looks blank (U+2800): remove it"],
    [bio, "a\uE000", "Bio contains a private-use character (U+E000) that looks different on every device: remove it"],
    [bio, "a\u0378", "Bio contains a character Unicode has not assigned (U+0378): remove it"],
    [
      bio,
      `a${"\u0336".repeat(MAX_MARKS_PER_CHARACTER + 1)}`,
      `Bio has more than ${MAX_MARKS_PER_CHARACTER} accents or other combining marks on one character: remove some`,
    ],
  ])("explains a refusal: %#", (schema, input, message) => {
    expect(schema.safeParse(input).error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it("checks the length first, and alone: a text too long is refused for its length whatever it holds", () => {
    for (const input of ["\u0000".repeat(6), "\u0301".repeat(21), "\u2800".repeat(100_000)]) {
      expect(name.safeParse(input).error?.issues.map((issue) => issue.message)).toEqual([
        "Name must be at most 5 characters",
      ]);
    }
  });

  it("counts the length after trimming and NFC, so spaces around and decomposed accents still fit", () => {
    expect(name.parse(`${" ".repeat(1_000)}e\u0301e\u0301e\u0301e\u0301e\u0301${" ".repeat(1_000)}`)).toBe(
      "\u00E9".repeat(5),
    );
    expect(name.parse("\u1F82".normalize("NFD").repeat(5))).toBe("\u1F82".repeat(5));
  });
});
