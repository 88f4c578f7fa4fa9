// Public surface of the server domain.
export {};
