package com.bedrockcost.pricing;

/** The content of one price file as read at one moment; the broadcast side of pricing. */
public class PriceUpdate {
    public String path;
    public String content;
    public long modificationTime;

    public PriceUpdate() {}
}
