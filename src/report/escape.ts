// Text from the analysed tree (file names, service names, messages, source lines) is shown in terminals and
// rendered Markdown. Control characters in it could move the cursor, change colours, ring the bell or rewrite the
// terminal's title, and bidirectional overrides could make the shown text differ from the real one. Each is shown
// as a visible `\u{…}` escape instead.

/** C0 and C1 control characters (with DEL), and the bidirectional embedding, override and isolate characters. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same, tabs allowed (code frames keep them so the caret lines up). */
const UNSAFE_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

/** One line of terminal text: every control character (newlines and tabs included) and bidi control escaped. */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** Like escapeTerminal, but tabs are kept (source lines in code frames). */
export function escapeTerminalKeepTabs(text: string): string {
  return text.replace(UNSAFE_BUT_TAB, visible);
}

/** Several lines of terminal text: each line escaped, the line breaks kept. */
export function escapeTerminalLines(text: string): string {
  return text.split("\n").map(escapeTerminal).join("\n");
}
