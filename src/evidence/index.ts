// Public surface of the evidence domain.
export {};
