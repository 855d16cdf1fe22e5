/** See packed.mjs: the consumer folder of each edition asked for, its tarball installed next to its Effect peers. */
export declare const packed: (editions?: ReadonlyArray<3 | 4>) => Promise<Record<string, string>>
