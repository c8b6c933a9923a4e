import { z } from "zod";

// Every pattern below matches one character and has no quantifier: the checks walk the text once, forward,
// asking each of these about one character at a time. A pattern that looks back over a run of characters
// (a lookbehind such as `(?<=X\p{M}*)`) rescans the run at every position, which made a 100 kB bio of
// combining marks take 80 s of the server's only thread.

/**
 * Characters refused in text people type for others to read: controls (Cc), format characters (Cf:
 * bidi overrides and isolates, zero-width spaces and joiners, the BOM), lone surrogates (Cs), line and
 * paragraph separators, noncharacters, and whatever else Unicode says renders as nothing
 * (Default_Ignorable_Code_Point, e.g. the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0 used for
 * "blank" names). They can make a name look like another one, reorder the text around them on screen, or
 * break storage: Postgres refuses NUL outright.
 */
const INVISIBLE_OR_CONTROL =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}\p{Default_Ignorable_Code_Point}]/u;

/** Private use (Co): each font draws its own glyph or none, so readers see something else than the writer, or nothing. */
const PRIVATE_USE = /\p{Co}/u;

/**
 * Unassigned (Cn): no font draws them and a later Unicode version may give them any meaning. Emoji newer
 * than this Node's Unicode tables (process.versions.unicode) are refused too, until Node catches up.
 */
const UNASSIGNED = /\p{Cn}/u;

/**
 * Visible characters whose glyph is empty, refused in names (one-line text) so a name always shows
 * something: U+2800 BRAILLE PATTERN BLANK, U+1D159 MUSICAL SYMBOL NULL NOTEHEAD, U+16FE4 KHITAN SMALL SCRIPT
 * FILLER. The Hangul fillers are default-ignorable, refused above everywhere. Spaces inside a name stay
 * allowed: family and given names are separated by U+3000 in Japanese and by U+00A0 in French typography,
 * and a name of spaces alone is trimmed to nothing. A bio or description may hold U+2800: braille art uses
 * it as its blank dot, and blank-looking prose impersonates no one.
 */
const BLANK_LOOKING = /[\u2800\u{16FE4}\u{1D159}]/u;

/**
 * Most combining marks (accents, vowel signs, points, cantillation, subjoined letters) in a row on one
 * character, counted in NFC. Real writing needs this many: Vietnamese stacks 2 (0 or 1 once in NFC), Hebrew
 * with points and cantillation 5 or 6 (shin, dot, dagesh, vowel, accent, meteg), and the tallest Tibetan
 * stacks, Sanskrit mantras such as the Kalachakra monogram ཧྐྵྨླྭྲྱཱཾ, 9 (its subjoined consonants are
 * marks, and NFC splits U+0FB9 into two). "Zalgo" text piles dozens or hundreds of marks on one letter
 * to draw over the lines above and below it.
 */
export const MAX_MARKS_PER_CHARACTER = 10;

const MARK = /\p{M}/u;
const LINE_BREAK = /[\n\r\p{Zl}\p{Zp}]/u;
const WHITESPACE = /\s/u;
const VARIATION_SELECTOR = /\p{Variation_Selector}/u;
const ZWJ = "\u200D";
const ZWNJ = "\u200C";

/** What may come before a joiner inside an emoji sequence (👩‍💻, 👨🏽‍💻, 🏳️‍🌈): an emoji, a skin tone, or emoji style. */
const EMOJI_OR_MODIFIER = /[\p{Extended_Pictographic}\p{Emoji_Modifier}]/u;
const isEmojiBeforeJoiner = (character: string) => character === "\uFE0F" || EMOJI_OR_MODIFIER.test(character);
const EMOJI = /\p{Extended_Pictographic}/u;

/**
 * Scripts whose writing needs the zero-width joiner and non-joiner between letters (Persian "می‌خواهم",
 * Hindi conjuncts after a virama). Only there are they part of the spelling rather than an invisible extra.
 */
const JOINING_SCRIPT =
  /[\p{scx=Arabic}\p{scx=Syriac}\p{scx=Nko}\p{scx=Mongolian}\p{scx=Devanagari}\p{scx=Bengali}\p{scx=Gurmukhi}\p{scx=Gujarati}\p{scx=Oriya}\p{scx=Tamil}\p{scx=Telugu}\p{scx=Kannada}\p{scx=Malayalam}\p{scx=Sinhala}\p{scx=Myanmar}\p{scx=Khmer}]/u;

/** The black flag that starts a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿), the tag characters that spell the region, and the tag that ends it. */
const BLACK_FLAG = "\u{1F3F4}";
const CANCEL_TAG = "\u{E007F}";
const isRegionTag = (character: string | undefined) => {
  const codePoint = character?.codePointAt(0);
  return codePoint !== undefined && codePoint >= 0xe0020 && codePoint <= 0xe007e;
};

export type RefusalReason =
  | "invisible"
  | "line-break"
  | "private-use"
  | "unassigned"
  | "blank-looking"
  | "stacked-marks";

/** Why a text is refused, and the character where it went wrong. */
export type Refusal = { reason: RefusalReason; character: string };

/**
 * The first reason to refuse `text`, or undefined when it is fine. One pass, forward, remembering only
 * what the characters just before need: invisible characters that are part of visible text are accepted
 * where they stand:
 * - a joiner inside an emoji sequence (👩‍💻, 🏳️‍🌈) or between letters of a joining script, where a
 *   virama or vowel sign may come between the letter and the joiner (क्‍ष);
 * - one variation selector right after the character it styles (❤️); never a run of them, which is how
 *   data is smuggled inside an emoji;
 * - the tag characters of a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 */
export function findRefusal(text: string, options: { multiline: boolean }): Refusal | undefined {
  const characters = Array.from(text);
  let marksInRow = 0;
  // A letter of a joining script, followed by nothing but marks, comes right before this character.
  let afterJoiningLetter = false;
  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] as string;
    const previous = characters[index - 1];
    const next = characters[index + 1];

    if (character === BLACK_FLAG) {
      const end = endOfRegionTags(characters, index + 1);
      if (end !== undefined) {
        marksInRow = 0;
        afterJoiningLetter = false;
        index = end;
        continue;
      }
    }

    const isInvisibleAcceptedHere =
      (character === "\n" && options.multiline) ||
      (character === ZWJ &&
        previous !== undefined &&
        isEmojiBeforeJoiner(previous) &&
        next !== undefined &&
        EMOJI.test(next)) ||
      ((character === ZWJ || character === ZWNJ) &&
        afterJoiningLetter &&
        next !== undefined &&
        JOINING_SCRIPT.test(next)) ||
      (VARIATION_SELECTOR.test(character) &&
        previous !== undefined &&
        !VARIATION_SELECTOR.test(previous) &&
        !WHITESPACE.test(previous));
    if (!isInvisibleAcceptedHere && INVISIBLE_OR_CONTROL.test(character)) {
      return { reason: LINE_BREAK.test(character) && !options.multiline ? "line-break" : "invisible", character };
    }
    if (PRIVATE_USE.test(character)) return { reason: "private-use", character };
    if (UNASSIGNED.test(character)) return { reason: "unassigned", character };
    if (!options.multiline && BLANK_LOOKING.test(character)) return { reason: "blank-looking", character };

    const isMark = MARK.test(character);
    marksInRow = isMark ? marksInRow + 1 : 0;
    if (marksInRow > MAX_MARKS_PER_CHARACTER) return { reason: "stacked-marks", character };
    if (JOINING_SCRIPT.test(character)) afterJoiningLetter = true;
    else if (!isMark) afterJoiningLetter = false;
  }
  return undefined;
}

/** Where the region tags starting at `start` end with a cancel tag (its index), or undefined if they do not. */
function endOfRegionTags(characters: readonly string[], start: number): number | undefined {
  let index = start;
  while (isRegionTag(characters[index])) index++;
  return index > start && characters[index] === CANCEL_TAG ? index : undefined;
}

/** The first character `text` may not hold, or undefined when it is fine. */
export function findRefusedCharacter(text: string, options: { multiline: boolean }): string | undefined {
  return findRefusal(text, options)?.character;
}

const codePointOf = (character: string) =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

function explainRefusal(label: string, { reason, character }: Refusal): string {
  const codePoint = codePointOf(character);
  switch (reason) {
    case "line-break":
      return `${label} must be on one line`;
    case "invisible":
      return `${label} contains an invisible or control character (${codePoint}): remove it`;
    case "private-use":
      return `${label} contains a private-use character (${codePoint}) that looks different on every device: remove it`;
    case "unassigned":
      return `${label} contains a character Unicode has not assigned (${codePoint}): remove it`;
    case "blank-looking":
      return `${label} contains a character that looks blank (${codePoint}): remove it`;
    case "stacked-marks":
      return `${label} has more than ${MAX_MARKS_PER_CHARACTER} accents or other combining marks on one character: remove some`;
  }
}

/**
 * NFC turns at most 4 code points into one (U+1F82 ᾂ is α and three marks), so text of more than 4 × max
 * code points cannot be within max after it, whatever it holds: refused before anything looks at it.
 */
const MAX_CODE_POINTS_PER_NFC_CHARACTER = 4;

/**
 * Text a person types for others to read (a display name, a bio), as it is stored and shown: NFC, so
 * the same visible text is the same string; trimmed; without the characters above; at most `max`
 * code points (zod counts those, so an emoji is one). Blank becomes null ("clear it"). `multiline` allows
 * line breaks, stored as "\n" whichever convention the client sent; one-line text is taken for a name.
 *
 * The length comes first, and ends the check when it fails (`abort`), so the work per field is bounded by
 * `max` however large the request: counting and trimming are single passes, and NFC and the character
 * rules only ever see a text that may fit. Trimming before NFC changes nothing: NFC neither makes nor
 * removes whitespace.
 */
export function userText(options: { label: string; max: number; multiline: boolean }) {
  const { label, max, multiline } = options;
  const tooLong = { message: `${label} must be at most ${max} characters`, abort: true };
  let text = z.string({ error: `${label} must be text` });
  if (multiline) text = text.overwrite((value) => value.replaceAll("\r\n", "\n"));
  return text
    .trim()
    .max(max * MAX_CODE_POINTS_PER_NFC_CHARACTER, tooLong)
    .normalize("NFC")
    .max(max, tooLong)
    .superRefine((value, ctx) => {
      const refusal = findRefusal(value, { multiline });
      if (refusal) ctx.addIssue({ code: "custom", message: explainRefusal(label, refusal) });
    })
    .transform((value) => value || null);
}
