// Public surface of the web domain.
export {};
