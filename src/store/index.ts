// Public surface of the store domain.
export {};
