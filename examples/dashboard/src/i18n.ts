/** The dashboard's own texts (the parameter texts come from the catalog, in the same language). */
const EN = {
  language: 'Language',
  logout: 'Log out',
  signin: 'Sign in',
  email: 'Email',
  password: 'Password',
  objects: 'Objects and modules',
  back: '← Modules',
  chart: 'Temperatures, last 10 minutes',
  chartEmpty: 'No temperature values yet.',
  socket: 'Socket',
  module: 'Module',
  up: 'up',
  reconnecting: 'reconnecting',
  down: 'down',
  online: 'online',
  offline: 'offline',
  unknown: 'unknown',
  set: 'Set',
  pending: 'Sending…',
  confirmed: 'Confirmed',
  accepted: 'Accepted',
  outOfRange: 'Out of range ({min}–{max}{unit}): nothing was sent.',
  notANumber: 'Not a number: nothing was sent.',
  timeout: 'Timeout: the controller did not confirm the change.',
  notPermitted: 'Not permitted: this account may not change it.',
  offlineError: 'The module is offline: nothing was sent.',
  network: 'Network error: {msg}',
  failed: 'Failed: {msg}',
  loading: 'Loading…',
  signingIn: 'Signing in…',
  catalog: 'Loading the parameter catalog…',
  connecting: 'Connecting…',
  live: 'Live',
  pickModule: 'Pick a module.',
  signedOut: 'Signed out.',
  noModules: 'No modules',
  setpointOf: 'New value for {label}',
} as const;

export type TextKey = keyof typeof EN;

const PL: Record<TextKey, string> = {
  language: 'Język',
  logout: 'Wyloguj',
  signin: 'Zaloguj',
  email: 'E-mail',
  password: 'Hasło',
  objects: 'Obiekty i moduły',
  back: '← Moduły',
  chart: 'Temperatury, ostatnie 10 minut',
  chartEmpty: 'Brak wartości temperatur.',
  socket: 'Gniazdo',
  module: 'Moduł',
  up: 'połączone',
  reconnecting: 'ponowne łączenie',
  down: 'rozłączone',
  online: 'online',
  offline: 'offline',
  unknown: 'nieznany',
  set: 'Ustaw',
  pending: 'Wysyłanie…',
  confirmed: 'Potwierdzone',
  accepted: 'Przyjęte',
  outOfRange: 'Poza zakresem ({min}–{max}{unit}): nic nie wysłano.',
  notANumber: 'To nie jest liczba: nic nie wysłano.',
  timeout: 'Przekroczono czas: sterownik nie potwierdził zmiany.',
  notPermitted: 'Brak uprawnień do zmiany.',
  offlineError: 'Moduł jest offline: nic nie wysłano.',
  network: 'Błąd sieci: {msg}',
  failed: 'Błąd: {msg}',
  loading: 'Ładowanie…',
  signingIn: 'Logowanie…',
  catalog: 'Wczytywanie katalogu parametrów…',
  connecting: 'Łączenie…',
  live: 'Na żywo',
  pickModule: 'Wybierz moduł.',
  signedOut: 'Wylogowano.',
  noModules: 'Brak modułów',
  setpointOf: 'Nowa wartość: {label}',
};

const TABLES: Record<string, Record<TextKey, string>> = { en: EN, pl: PL };

let current: Record<TextKey, string> = EN;

/** Picks the table of `lang` (English when the dashboard has no table for it). */
export function setTextLanguage(lang: string): void {
  current = TABLES[lang] ?? EN;
}

/** A text with `{name}` placeholders filled in (plain text: rendered with `textContent` only). */
export function t(key: TextKey, vars: Record<string, string | number> = {}): string {
  return current[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}
