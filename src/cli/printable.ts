// Text from accounts and audit events made safe for the operator's terminal: control characters shown as escapes.
/** Usernames are typed by strangers (and come from external directories): they must not drive the terminal. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must not reach the terminal
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
