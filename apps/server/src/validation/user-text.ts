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
const VARIATION_SELECTOR = /\p{Variation_Selector}/u;
const ZWJ = "\u200D";
const ZWNJ = "\u200C";
/** A letter, this virama and a joiner spell a chillu (ന്‍, the older encoding of ൻ), mostly at the end of a word. */
const MALAYALAM_VIRAMA = "\u0D4D";

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

/**
 * Which characters each variation selector may follow: only those Unicode defines variation sequences
 * for, so a selector cannot ride invisibly on any letter (one selector per letter hides a byte of data).
 * - Emoji style (U+FE0E text, U+FE0F emoji) after an emoji character (❤️, the digit of a keycap 1️⃣).
 * - VS17–256 (U+E0100–E01EF) after an ideograph: they are used only in Ideographic Variation Sequences (葛󠄀).
 * - VS1–14 (U+FE00–FE0D): the standardized variation sequences are on math symbols (≩︀), CJK
 *   compatibility ideographs and CJK punctuation, Myanmar, Phags-pa and Manichaean letters; the rarer
 *   ones elsewhere (the slashed zero 0︀, Egyptian hieroglyphs) are refused rather than let every Latin
 *   letter carry one.
 * - The Mongolian free variation selectors after a Mongolian letter.
 */
const VARIATION_BASES: readonly { selectors: RegExp; bases: RegExp }[] = [
  { selectors: /[\uFE0E\uFE0F]/u, bases: /\p{Emoji}/u },
  { selectors: /[\u{E0100}-\u{E01EF}]/u, bases: /\p{Ideographic}/u },
  {
    selectors: /[\uFE00-\uFE0D]/u,
    bases: /[\p{Math}\p{Ideographic}\p{scx=Han}\p{scx=Myanmar}\p{scx=Phags_Pa}\p{scx=Manichaean}]/u,
  },
  { selectors: /[\u180B-\u180D\u180F]/u, bases: /\p{scx=Mongolian}/u },
];
const isVariationSequence = (selector: string, base: string | undefined) =>
  base !== undefined &&
  !VARIATION_SELECTOR.test(base) &&
  VARIATION_BASES.some(({ selectors, bases }) => selectors.test(selector) && bases.test(base));

/**
 * The subdivision flags accepted, whole: the black flag, tag characters spelling the subdivision, and the
 * cancel tag. Only the three Unicode recommends (RGI) for everyone to display, England, Scotland and Wales
 * (🏴󠁧󠁢󠁥󠁮󠁧󠁿 🏴󠁧󠁢󠁳󠁣󠁴󠁿 🏴󠁧󠁢󠁷󠁬󠁳󠁿), rather than every one UTS #51's grammar allows (two tag letters for the region, then 1–4 tag
 * letters or digits): that form shows as a plain black flag everywhere else and still carries up to six
 * invisible letters of the writer's choice ("admin" is region "ad", subdivision "min").
 */
const SUBDIVISION_FLAGS = new Set(
  ["gbeng", "gbsct", "gbwls"].map(
    (subdivision) =>
      `\u{1F3F4}${Array.from(subdivision, (letter) => String.fromCodePoint(0xe0000 + (letter.codePointAt(0) ?? 0))).join("")}\u{E007F}`,
  ),
);
const BLACK_FLAG = "\u{1F3F4}";
/** Code points in each of SUBDIVISION_FLAGS: black flag, five tags, cancel tag. */
const SUBDIVISION_FLAG_LENGTH = 7;

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
 *   virama or vowel sign may come between the letter and the joiner (क्‍ष), and after a Malayalam
 *   virama (a chillu, ന്‍);
 * - one variation selector right after a character it has a variation sequence with (❤️, 葛󠄀); never a
 *   run of them, which is how data is smuggled inside an emoji;
 * - the tag characters of the three subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
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

    if (
      character === BLACK_FLAG &&
      SUBDIVISION_FLAGS.has(characters.slice(index, index + SUBDIVISION_FLAG_LENGTH).join(""))
    ) {
      marksInRow = 0;
      afterJoiningLetter = false;
      index += SUBDIVISION_FLAG_LENGTH - 1;
      continue;
    }

    const isJoinerInWord =
      ((character === ZWJ || character === ZWNJ) &&
        afterJoiningLetter &&
        next !== undefined &&
        JOINING_SCRIPT.test(next)) ||
      (character === ZWJ && previous === MALAYALAM_VIRAMA);
    const isInvisibleAcceptedHere =
      (character === "\n" && options.multiline) ||
      (character === ZWJ &&
        previous !== undefined &&
        isEmojiBeforeJoiner(previous) &&
        next !== undefined &&
        EMOJI.test(next)) ||
      isJoinerInWord ||
      (VARIATION_SELECTOR.test(character) && isVariationSequence(character, previous));
    if (!isInvisibleAcceptedHere && INVISIBLE_OR_CONTROL.test(character)) {
      return { reason: LINE_BREAK.test(character) && !options.multiline ? "line-break" : "invisible", character };
    }
    if (PRIVATE_USE.test(character)) return { reason: "private-use", character };
    if (UNASSIGNED.test(character)) return { reason: "unassigned", character };
    if (!options.multiline && BLANK_LOOKING.test(character)) return { reason: "blank-looking", character };

    // A joiner inside a word leaves the marks on its letter counted: marks after it stack on that same
    // letter (क + ZWJ + ि + ́ × 9, repeated, is one character of hundreds of marks).
    if (isJoinerInWord) {
      afterJoiningLetter = false;
      continue;
    }
    const isMark = MARK.test(character);
    marksInRow = isMark ? marksInRow + 1 : 0;
    if (marksInRow > MAX_MARKS_PER_CHARACTER) return { reason: "stacked-marks", character };
    if (JOINING_SCRIPT.test(character)) afterJoiningLetter = true;
    else if (!isMark) afterJoiningLetter = false;
  }
  return undefined;
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
