// Defined by @electron-forge/plugin-vite in the main bundle during `electron-forge start`
// (`http://localhost:<port>`); absent in a plain `vite build` and in packaged builds.
// Read it only through `typeof` so a bundle built without Forge does not throw.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
