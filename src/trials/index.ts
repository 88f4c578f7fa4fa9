// Public surface of the trials domain.
export {};
