/// <reference types="svelte" />
/// <reference types="vite/client" />

// dcmjs ships no types; test code uses it only as an independent reader.
declare module 'dcmjs';

/** True only in the test build (TRIALBENCH_TEST_BUILD=1, see vite.config.ts). */
declare const __TEST_BUILD__: boolean;
