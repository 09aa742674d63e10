package com.bedrockcost; public class StreamingJob { public static void main(String[] a){} }
