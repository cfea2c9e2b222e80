/// <reference types="svelte" />
/// <reference types="vite/client" />

// dcmjs ships no types; test code uses it only as an independent reader.
declare module 'dcmjs';
