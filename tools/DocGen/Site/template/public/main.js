// Linux VM companion: nothing to load; the theme picker (light/dark/auto) is docfx's own.
export default {
  defaultTheme: 'auto',
}
